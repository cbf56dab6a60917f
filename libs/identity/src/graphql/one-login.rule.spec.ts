import { buildSchema, parse, validate } from 'graphql';
import { oneLoginRule } from './one-login.rule';

const schema = buildSchema(`
  type Payload { token: String }
  type Query { me: String }
  type Mutation {
    login(username: String!, password: String!): Payload
    changePassword(currentPassword: String!, newPassword: String!): Payload
    logout: Boolean
  }
`);

const errors = (doc: string) => validate(schema, parse(doc), [oneLoginRule]).map((e) => e.message);

describe('oneLoginRule', () => {
  it('lets one login through, alone or beside other fields', () => {
    expect(errors(`mutation { login(username: "a", password: "b") { token } }`)).toEqual([]);
    expect(errors(`mutation { logout l: login(username: "a", password: "b") { token } }`)).toEqual([]);
    expect(
      errors(`mutation { ...F } fragment F on Mutation { login(username: "a", password: "b") { token } }`),
    ).toEqual([]);
  });

  it('refuses a second login whether aliased, repeated or hidden in fragments, once per document', () => {
    expect(
      errors(
        `mutation { a: login(username: "a", password: "1") { token } b: login(username: "a", password: "2") { token } c: login(username: "a", password: "3") { token } }`,
      ),
    ).toHaveLength(1);
    expect(
      errors(`mutation { ...A ...B }
        fragment A on Mutation { a: login(username: "a", password: "1") { token } }
        fragment B on Mutation { ... on Mutation { b: login(username: "a", password: "2") { token } } }`),
    ).toEqual([expect.stringContaining('one login per request')]);
  });

  it('counts a password change as a login: one of them per document', () => {
    expect(errors(`mutation { changePassword(currentPassword: "a", newPassword: "b") { token } }`)).toEqual(
      [],
    );
    expect(
      errors(
        `mutation { a: changePassword(currentPassword: "1", newPassword: "x") { token } b: changePassword(currentPassword: "2", newPassword: "x") { token } }`,
      ),
    ).toEqual([expect.stringContaining('one login per request')]);
    expect(
      errors(
        `mutation { login(username: "a", password: "1") { token } changePassword(currentPassword: "2", newPassword: "x") { token } }`,
      ),
    ).toHaveLength(1);
  });
});
