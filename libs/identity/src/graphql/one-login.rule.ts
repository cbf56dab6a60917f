import { ASTVisitor, GraphQLError, ValidationContext } from 'graphql';

export const ONE_LOGIN_MESSAGE =
  '一个请求只能包含一次登录 (one login per request: send each login attempt as its own request)';

/**
 * Refuses a document with more than one `login` field (aliases, fragments), whole and before
 * anything runs. Root mutation fields run one after another and the first wrong password ends
 * the document, so further aliases would never be tried; refusing them keeps every attempt a
 * request of its own, which the rate limits and the lockout then count.
 */
export function oneLoginRule(context: ValidationContext): ASTVisitor {
  let logins = 0;
  return {
    Field(node) {
      if (node.name.value !== 'login') return;
      const parent = context.getParentType();
      if (!parent || parent !== context.getSchema().getMutationType()) return;
      logins++;
      if (logins === 2) context.reportError(new GraphQLError(ONE_LOGIN_MESSAGE, { nodes: [node] }));
    },
  };
}
