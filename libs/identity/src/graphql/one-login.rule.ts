import { ASTVisitor, GraphQLError, ValidationContext } from 'graphql';

export const ONE_LOGIN_MESSAGE =
  '一个请求只能包含一次登录或密码操作 (one login per request, password changes and resets included: send each as its own request)';

/** Root mutations that check or hash a password: each is argon2's work and, for a check, an attempt. */
const PASSWORD_FIELDS = new Set(['login', 'changePassword', 'resetUserPassword']);

/**
 * Refuses a document with more than one password field (`login`, `changePassword`,
 * `resetUserPassword`: aliases, fragments), whole and before
 * anything runs. Root mutation fields run one after another and the first wrong password ends
 * the document, so further aliases would never be tried; refusing them keeps every attempt a
 * request of its own, which the rate limits and the lockout then count.
 */
export function oneLoginRule(context: ValidationContext): ASTVisitor {
  let logins = 0;
  return {
    Field(node) {
      if (!PASSWORD_FIELDS.has(node.name.value)) return;
      const parent = context.getParentType();
      if (!parent || parent !== context.getSchema().getMutationType()) return;
      logins++;
      if (logins === 2) context.reportError(new GraphQLError(ONE_LOGIN_MESSAGE, { nodes: [node] }));
    },
  };
}
