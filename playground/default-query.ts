/** What a first-time visitor sees: how to log in, ask who they are, and get back in after forgetting the password. */
export const DEFAULT_QUERY = `# Welcome to the sessiongraph playground.
# The session lives in an HttpOnly cookie that this page sends with every request,
# so: run Register or Login, then Me.
# With two-factor on, Login answers SECOND_FACTOR_REQUIRED: put the 6-digit code from your
# authenticator app (or a recovery code) in "code" and run CompleteLogin.
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
  "code": "123456",
  "token": "paste the token from the mail's link",
  "newPassword": "another long passphrase"
}
`;
