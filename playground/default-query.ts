/** What a first-time visitor sees: how to log in, then ask who they are. */
export const DEFAULT_QUERY = `# Welcome to the sessiongraph playground.
# The session lives in an HttpOnly cookie that this page sends with every request,
# so: run Register or Login, then Me.

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
`;

export const DEFAULT_VARIABLES = `{
  "email": "you@example.com",
  "password": "choose a long passphrase"
}
`;
