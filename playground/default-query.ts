/** What a first-time visitor sees: how to log in, ask who they are, and get back in after forgetting the password. */
export const DEFAULT_QUERY = `# Welcome to the sessiongraph playground.
# The session lives in an HttpOnly cookie that this page sends with every request,
# so: run Register or Login, then Me.
#
# Forgot the password? Run RequestPasswordReset: without SMTP_URL the mail lands in
# ./data/mail/ and the server's log shows its link. Put the link's token in the
# variables and run ResetPassword, then Login with the new password.

mutation Register($email: String!, $password: String!) {
  register(input: { email: $email, name: "Playground User", password: $password }) {
    id
    email
  }
}

mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) {
    id
    email
    role
  }
}

query Me {
  me {
    id
    email
    name
    role
  }
}

mutation Logout {
  logout
}

mutation RequestPasswordReset($email: String!) {
  requestPasswordReset(email: $email)
}

mutation ResetPassword($token: String!, $newPassword: String!) {
  resetPassword(token: $token, newPassword: $newPassword)
}

mutation VerifyEmail($token: String!) {
  verifyEmail(token: $token) {
    id
    email
    emailVerified
  }
}
`;

export const DEFAULT_VARIABLES = `{
  "email": "you@example.com",
  "password": "choose a long passphrase",
  "token": "paste the token from the mail's link",
  "newPassword": "another long passphrase"
}
`;
