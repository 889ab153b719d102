/**
 * Passwords that appear at the top of every breach list. Compared after lower-casing, so one entry
 * covers its capitalised forms; entries shorter than 8 characters are caught by the length rule anyway.
 */
export const COMMON_PASSWORDS = new Set([
  "password", "password1", "password12", "password123", "password1234", "passw0rd", "p@ssw0rd", "p@ssword",
  "12345678", "123456789", "1234567890", "qwertyuiop", "qwerty123", "qwerty12", "1q2w3e4r", "1q2w3e4r5t",
  "iloveyou", "iloveyou1", "sunshine", "sunshine1", "princess", "princess1", "football", "football1",
  "baseball", "baseball1", "welcome1", "welcome123", "abc12345", "abcd1234", "abcdefgh", "letmein1",
  "letmein123", "trustno1", "superman", "superman1", "batman123", "dragon123", "monkey123", "shadow123",
  "master123", "michael1", "jennifer", "jordan23", "charlie1", "starwars", "whatever", "computer",
  "internet", "asdfghjkl", "asdfasdf", "zxcvbnm1", "zaq12wsx", "1qaz2wsx", "qazwsxedc", "q1w2e3r4",
  "q1w2e3r4t5", "admin123", "administrator", "changeme", "changeme1", "secret123", "mypassword",
  "passport", "pa55word", "hello123", "freedom1", "whatever1", "loveyou1", "lovely123", "babygirl",
  "babygirl1", "princesa", "chocolate", "butterfly", "liverpool", "arsenal1", "chelsea1", "manchester",
  "michelle", "jessica1", "nicole123", "ashley123", "qwertyui", "11111111", "00000000", "88888888",
  "987654321", "147258369", "123123123", "aaaaaaaa", "default1", "login123", "guest123", "test1234",
  "testtest", "temp1234", "summer2024", "summer2025", "summer2026", "winter2025", "winter2026",
  "spring2026", "autumn2026", "welcome2026", "password2025", "password2026", "letmein!", "qwerty!@#",
]);
