import { USER_FIELDS } from "./factories";

/** The user-management documents, shared by the tests that call them. */
export const USER = `query($id: ID!) { user(id: $id) { ${USER_FIELDS} } }`;
export const USERS = `query($first: Int, $after: String, $search: String) {
  users(first: $first, after: $after, search: $search) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${USER_FIELDS} } } } }`;
export const CREATE_USER = `mutation($input: CreateUserInput!) { createUser(input: $input) { ${USER_FIELDS} } }`;
export const UPDATE_USER = `mutation($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { ${USER_FIELDS} } }`;
export const DELETE_USER = `mutation($id: ID!) { deleteUser(id: $id) }`;
