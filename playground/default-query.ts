/** What a first-time visitor sees: how to log in, then ask who they are. */
export const DEFAULT_QUERY = `# Welcome to the sessiongraph playground.
# The session lives in an HttpOnly cookie that this page sends with every request,
# so: run Register or Login, then Me.
# With two-factor on, Login answers SECOND_FACTOR_REQUIRED: put the 6-digit code from your
# authenticator app (or a recovery code) in "code" and run CompleteLogin.

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

mutation CompleteLogin($code: String!) {
  completeLogin(code: $code) {
    id
    email
    twoFactorEnabled
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

# Two-factor: BeginTwoFactorSetup (scan otpauthUrl, keep the recovery codes), then
# ConfirmTwoFactorSetup with a code from the app. SecurityActivity lists what happened.
mutation BeginTwoFactorSetup($password: String!) {
  beginTwoFactorSetup(currentPassword: $password) {
    secret
    otpauthUrl
    recoveryCodes
  }
}

mutation ConfirmTwoFactorSetup($code: String!) {
  confirmTwoFactorSetup(code: $code)
}

query SecurityActivity {
  securityEvents(first: 10) {
    edges {
      node {
        type
        createdAt
        ip
        userAgent
      }
    }
  }
}
`;

export const DEFAULT_VARIABLES = `{
  "email": "you@example.com",
  "password": "choose a long passphrase",
  "code": "123456"
}
`;
