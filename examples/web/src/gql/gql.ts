/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query Me {\n    me {\n      id\n      email\n      name\n      role\n    }\n  }\n": typeof types.MeDocument,
    "\n  mutation Login($email: String!, $password: String!, $rememberMe: Boolean) {\n    login(email: $email, password: $password, rememberMe: $rememberMe) {\n      id\n      email\n      name\n      role\n    }\n  }\n": typeof types.LoginDocument,
    "\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) {\n      id\n      email\n      name\n      role\n    }\n  }\n": typeof types.RegisterDocument,
    "\n  mutation Logout {\n    logout\n  }\n": typeof types.LogoutDocument,
    "\n  fragment CartFields on Cart {\n    itemCount\n    totalCents\n    lines {\n      quantity\n      lineTotalCents\n      product {\n        id\n        name\n        priceCents\n        stock\n      }\n    }\n  }\n": typeof types.CartFieldsFragmentDoc,
    "\n  query Cart {\n    cart {\n      ...CartFields\n    }\n  }\n": typeof types.CartDocument,
    "\n  mutation AddToCart($productId: ID!, $quantity: Int) {\n    addToCart(productId: $productId, quantity: $quantity) {\n      ...CartFields\n    }\n  }\n": typeof types.AddToCartDocument,
    "\n  mutation SetCartQuantity($productId: ID!, $quantity: Int!) {\n    setCartQuantity(productId: $productId, quantity: $quantity) {\n      ...CartFields\n    }\n  }\n": typeof types.SetCartQuantityDocument,
    "\n  mutation RemoveFromCart($productId: ID!) {\n    removeFromCart(productId: $productId) {\n      ...CartFields\n    }\n  }\n": typeof types.RemoveFromCartDocument,
    "\n  mutation Checkout {\n    checkout {\n      id\n      createdAt\n      totalCents\n      lines {\n        productName\n        quantity\n        unitPriceCents\n        # The new stock lands on the cached Product by id, so the catalog shows it at once.\n        product {\n          id\n          stock\n        }\n      }\n    }\n  }\n": typeof types.CheckoutDocument,
    "\n  query Products($first: Int, $after: String, $search: String) {\n    products(first: $first, after: $after, search: $search) {\n      edges {\n        cursor\n        node {\n          id\n          sku\n          name\n          description\n          priceCents\n          stock\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      totalCount\n    }\n  }\n": typeof types.ProductsDocument,
    "\n  query Orders($first: Int, $after: String) {\n    orders(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          createdAt\n          totalCents\n          lines {\n            productName\n            quantity\n            unitPriceCents\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      totalCount\n    }\n  }\n": typeof types.OrdersDocument,
    "\n  mutation RequestPasswordReset($email: String!) {\n    requestPasswordReset(email: $email)\n  }\n": typeof types.RequestPasswordResetDocument,
    "\n  mutation ResetPassword($token: String!, $newPassword: String!) {\n    resetPassword(token: $token, newPassword: $newPassword)\n  }\n": typeof types.ResetPasswordDocument,
    "\n  mutation VerifyEmail($token: String!) {\n    verifyEmail(token: $token) {\n      id\n      email\n      emailVerified\n    }\n  }\n": typeof types.VerifyEmailDocument,
    "\n  mutation CompleteLogin($code: String!) {\n    completeLogin(code: $code) {\n      id\n      email\n      name\n      role\n    }\n  }\n": typeof types.CompleteLoginDocument,
    "\n  query TwoFactorStatus {\n    me {\n      id\n      twoFactorEnabled\n    }\n  }\n": typeof types.TwoFactorStatusDocument,
    "\n  mutation BeginTwoFactorSetup($currentPassword: String!) {\n    beginTwoFactorSetup(currentPassword: $currentPassword) {\n      secret\n      otpauthUrl\n      recoveryCodes\n    }\n  }\n": typeof types.BeginTwoFactorSetupDocument,
    "\n  mutation ConfirmTwoFactorSetup($code: String!) {\n    confirmTwoFactorSetup(code: $code)\n  }\n": typeof types.ConfirmTwoFactorSetupDocument,
    "\n  mutation DisableTwoFactor($currentPassword: String!, $code: String!) {\n    disableTwoFactor(currentPassword: $currentPassword, code: $code)\n  }\n": typeof types.DisableTwoFactorDocument,
    "\n  query SecurityEvents($first: Int, $after: String) {\n    securityEvents(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          type\n          createdAt\n          ip\n          userAgent\n          actorId\n        }\n      }\n    }\n  }\n": typeof types.SecurityEventsDocument,
};
const documents: Documents = {
    "\n  query Me {\n    me {\n      id\n      email\n      name\n      role\n    }\n  }\n": types.MeDocument,
    "\n  mutation Login($email: String!, $password: String!, $rememberMe: Boolean) {\n    login(email: $email, password: $password, rememberMe: $rememberMe) {\n      id\n      email\n      name\n      role\n    }\n  }\n": types.LoginDocument,
    "\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) {\n      id\n      email\n      name\n      role\n    }\n  }\n": types.RegisterDocument,
    "\n  mutation Logout {\n    logout\n  }\n": types.LogoutDocument,
    "\n  fragment CartFields on Cart {\n    itemCount\n    totalCents\n    lines {\n      quantity\n      lineTotalCents\n      product {\n        id\n        name\n        priceCents\n        stock\n      }\n    }\n  }\n": types.CartFieldsFragmentDoc,
    "\n  query Cart {\n    cart {\n      ...CartFields\n    }\n  }\n": types.CartDocument,
    "\n  mutation AddToCart($productId: ID!, $quantity: Int) {\n    addToCart(productId: $productId, quantity: $quantity) {\n      ...CartFields\n    }\n  }\n": types.AddToCartDocument,
    "\n  mutation SetCartQuantity($productId: ID!, $quantity: Int!) {\n    setCartQuantity(productId: $productId, quantity: $quantity) {\n      ...CartFields\n    }\n  }\n": types.SetCartQuantityDocument,
    "\n  mutation RemoveFromCart($productId: ID!) {\n    removeFromCart(productId: $productId) {\n      ...CartFields\n    }\n  }\n": types.RemoveFromCartDocument,
    "\n  mutation Checkout {\n    checkout {\n      id\n      createdAt\n      totalCents\n      lines {\n        productName\n        quantity\n        unitPriceCents\n        # The new stock lands on the cached Product by id, so the catalog shows it at once.\n        product {\n          id\n          stock\n        }\n      }\n    }\n  }\n": types.CheckoutDocument,
    "\n  query Products($first: Int, $after: String, $search: String) {\n    products(first: $first, after: $after, search: $search) {\n      edges {\n        cursor\n        node {\n          id\n          sku\n          name\n          description\n          priceCents\n          stock\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      totalCount\n    }\n  }\n": types.ProductsDocument,
    "\n  query Orders($first: Int, $after: String) {\n    orders(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          createdAt\n          totalCents\n          lines {\n            productName\n            quantity\n            unitPriceCents\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      totalCount\n    }\n  }\n": types.OrdersDocument,
    "\n  mutation RequestPasswordReset($email: String!) {\n    requestPasswordReset(email: $email)\n  }\n": types.RequestPasswordResetDocument,
    "\n  mutation ResetPassword($token: String!, $newPassword: String!) {\n    resetPassword(token: $token, newPassword: $newPassword)\n  }\n": types.ResetPasswordDocument,
    "\n  mutation VerifyEmail($token: String!) {\n    verifyEmail(token: $token) {\n      id\n      email\n      emailVerified\n    }\n  }\n": types.VerifyEmailDocument,
    "\n  mutation CompleteLogin($code: String!) {\n    completeLogin(code: $code) {\n      id\n      email\n      name\n      role\n    }\n  }\n": types.CompleteLoginDocument,
    "\n  query TwoFactorStatus {\n    me {\n      id\n      twoFactorEnabled\n    }\n  }\n": types.TwoFactorStatusDocument,
    "\n  mutation BeginTwoFactorSetup($currentPassword: String!) {\n    beginTwoFactorSetup(currentPassword: $currentPassword) {\n      secret\n      otpauthUrl\n      recoveryCodes\n    }\n  }\n": types.BeginTwoFactorSetupDocument,
    "\n  mutation ConfirmTwoFactorSetup($code: String!) {\n    confirmTwoFactorSetup(code: $code)\n  }\n": types.ConfirmTwoFactorSetupDocument,
    "\n  mutation DisableTwoFactor($currentPassword: String!, $code: String!) {\n    disableTwoFactor(currentPassword: $currentPassword, code: $code)\n  }\n": types.DisableTwoFactorDocument,
    "\n  query SecurityEvents($first: Int, $after: String) {\n    securityEvents(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          type\n          createdAt\n          ip\n          userAgent\n          actorId\n        }\n      }\n    }\n  }\n": types.SecurityEventsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me {\n      id\n      email\n      name\n      role\n    }\n  }\n"): (typeof documents)["\n  query Me {\n    me {\n      id\n      email\n      name\n      role\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($email: String!, $password: String!, $rememberMe: Boolean) {\n    login(email: $email, password: $password, rememberMe: $rememberMe) {\n      id\n      email\n      name\n      role\n    }\n  }\n"): (typeof documents)["\n  mutation Login($email: String!, $password: String!, $rememberMe: Boolean) {\n    login(email: $email, password: $password, rememberMe: $rememberMe) {\n      id\n      email\n      name\n      role\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) {\n      id\n      email\n      name\n      role\n    }\n  }\n"): (typeof documents)["\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) {\n      id\n      email\n      name\n      role\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout {\n    logout\n  }\n"): (typeof documents)["\n  mutation Logout {\n    logout\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CartFields on Cart {\n    itemCount\n    totalCents\n    lines {\n      quantity\n      lineTotalCents\n      product {\n        id\n        name\n        priceCents\n        stock\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment CartFields on Cart {\n    itemCount\n    totalCents\n    lines {\n      quantity\n      lineTotalCents\n      product {\n        id\n        name\n        priceCents\n        stock\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Cart {\n    cart {\n      ...CartFields\n    }\n  }\n"): (typeof documents)["\n  query Cart {\n    cart {\n      ...CartFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddToCart($productId: ID!, $quantity: Int) {\n    addToCart(productId: $productId, quantity: $quantity) {\n      ...CartFields\n    }\n  }\n"): (typeof documents)["\n  mutation AddToCart($productId: ID!, $quantity: Int) {\n    addToCart(productId: $productId, quantity: $quantity) {\n      ...CartFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetCartQuantity($productId: ID!, $quantity: Int!) {\n    setCartQuantity(productId: $productId, quantity: $quantity) {\n      ...CartFields\n    }\n  }\n"): (typeof documents)["\n  mutation SetCartQuantity($productId: ID!, $quantity: Int!) {\n    setCartQuantity(productId: $productId, quantity: $quantity) {\n      ...CartFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveFromCart($productId: ID!) {\n    removeFromCart(productId: $productId) {\n      ...CartFields\n    }\n  }\n"): (typeof documents)["\n  mutation RemoveFromCart($productId: ID!) {\n    removeFromCart(productId: $productId) {\n      ...CartFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Checkout {\n    checkout {\n      id\n      createdAt\n      totalCents\n      lines {\n        productName\n        quantity\n        unitPriceCents\n        # The new stock lands on the cached Product by id, so the catalog shows it at once.\n        product {\n          id\n          stock\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Checkout {\n    checkout {\n      id\n      createdAt\n      totalCents\n      lines {\n        productName\n        quantity\n        unitPriceCents\n        # The new stock lands on the cached Product by id, so the catalog shows it at once.\n        product {\n          id\n          stock\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Products($first: Int, $after: String, $search: String) {\n    products(first: $first, after: $after, search: $search) {\n      edges {\n        cursor\n        node {\n          id\n          sku\n          name\n          description\n          priceCents\n          stock\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      totalCount\n    }\n  }\n"): (typeof documents)["\n  query Products($first: Int, $after: String, $search: String) {\n    products(first: $first, after: $after, search: $search) {\n      edges {\n        cursor\n        node {\n          id\n          sku\n          name\n          description\n          priceCents\n          stock\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      totalCount\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Orders($first: Int, $after: String) {\n    orders(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          createdAt\n          totalCents\n          lines {\n            productName\n            quantity\n            unitPriceCents\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      totalCount\n    }\n  }\n"): (typeof documents)["\n  query Orders($first: Int, $after: String) {\n    orders(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          createdAt\n          totalCents\n          lines {\n            productName\n            quantity\n            unitPriceCents\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      totalCount\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RequestPasswordReset($email: String!) {\n    requestPasswordReset(email: $email)\n  }\n"): (typeof documents)["\n  mutation RequestPasswordReset($email: String!) {\n    requestPasswordReset(email: $email)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResetPassword($token: String!, $newPassword: String!) {\n    resetPassword(token: $token, newPassword: $newPassword)\n  }\n"): (typeof documents)["\n  mutation ResetPassword($token: String!, $newPassword: String!) {\n    resetPassword(token: $token, newPassword: $newPassword)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation VerifyEmail($token: String!) {\n    verifyEmail(token: $token) {\n      id\n      email\n      emailVerified\n    }\n  }\n"): (typeof documents)["\n  mutation VerifyEmail($token: String!) {\n    verifyEmail(token: $token) {\n      id\n      email\n      emailVerified\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CompleteLogin($code: String!) {\n    completeLogin(code: $code) {\n      id\n      email\n      name\n      role\n    }\n  }\n"): (typeof documents)["\n  mutation CompleteLogin($code: String!) {\n    completeLogin(code: $code) {\n      id\n      email\n      name\n      role\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TwoFactorStatus {\n    me {\n      id\n      twoFactorEnabled\n    }\n  }\n"): (typeof documents)["\n  query TwoFactorStatus {\n    me {\n      id\n      twoFactorEnabled\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BeginTwoFactorSetup($currentPassword: String!) {\n    beginTwoFactorSetup(currentPassword: $currentPassword) {\n      secret\n      otpauthUrl\n      recoveryCodes\n    }\n  }\n"): (typeof documents)["\n  mutation BeginTwoFactorSetup($currentPassword: String!) {\n    beginTwoFactorSetup(currentPassword: $currentPassword) {\n      secret\n      otpauthUrl\n      recoveryCodes\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConfirmTwoFactorSetup($code: String!) {\n    confirmTwoFactorSetup(code: $code)\n  }\n"): (typeof documents)["\n  mutation ConfirmTwoFactorSetup($code: String!) {\n    confirmTwoFactorSetup(code: $code)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DisableTwoFactor($currentPassword: String!, $code: String!) {\n    disableTwoFactor(currentPassword: $currentPassword, code: $code)\n  }\n"): (typeof documents)["\n  mutation DisableTwoFactor($currentPassword: String!, $code: String!) {\n    disableTwoFactor(currentPassword: $currentPassword, code: $code)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SecurityEvents($first: Int, $after: String) {\n    securityEvents(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          type\n          createdAt\n          ip\n          userAgent\n          actorId\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query SecurityEvents($first: Int, $after: String) {\n    securityEvents(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          type\n          createdAt\n          ip\n          userAgent\n          actorId\n        }\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;