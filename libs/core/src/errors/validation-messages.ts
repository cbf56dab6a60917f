/** A wording of class-validator's default message (after "each value in ", if any) and its Chinese. */
type Wording = readonly [english: RegExp, chinese: (...values: string[]) => string];

// Built from class-validator's own `defaultMessage` texts (0.15); `(.+)` takes a number or
// list class-validator wrote in, `.+` the property name. Anchored at both ends so that a
// DTO's own English message is never mistaken for a default one.
const wording = (english: string, chinese: (...values: string[]) => string): Wording => [
  new RegExp(`^${english}$`, 's'),
  chinese,
];

const WORDINGS = new Map<string, readonly Wording[]>(
  Object.entries({
    isString: [wording('.+ must be a string', () => '必须是字符串')],
    isUuid: [wording('.+ must be a UUID', () => '必须是 UUID')],
    isEnum: [wording('.+ must be one of the following values: (.*)', (list) => `必须是以下值之一：${list}`)],
    isIn: [wording('.+ must be one of the following values: (.*)', (list) => `必须是以下值之一：${list}`)],
    isInt: [wording('.+ must be an integer number', () => '必须是整数')],
    // Said for NaN, infinities and too many decimals alike, as the English is.
    isNumber: [
      wording('.+ must be a number conforming to the specified constraints', () => '必须是符合要求的数字'),
    ],
    isBoolean: [wording('.+ must be a boolean value', () => '必须是布尔值')],
    isDate: [wording('.+ must be a Date instance', () => '必须是日期')],
    isDateString: [wording('.+ must be a valid ISO 8601 date string', () => '必须是 ISO 8601 日期')],
    isIso8601: [wording('.+ must be a valid ISO 8601 date string', () => '必须是 ISO 8601 日期')],
    isUrl: [wording('.+ must be a URL address', () => '必须是 URL 地址')],
    isArray: [wording('.+ must be an array', () => '必须是数组')],
    matches: [wording('.+ must match .+ regular expression', () => '格式不正确')],
    maxLength: [
      wording('.+ must be shorter than or equal to (.+) characters', (n) => `不能超过 ${n} 个字符`),
    ],
    minLength: [wording('.+ must be longer than or equal to (.+) characters', (n) => `至少 ${n} 个字符`)],
    // `@Length(min, max)` words its message after the value: too short, too long, or neither
    // (a value with no length).
    isLength: [
      wording(
        '.+ must be longer than or equal to (.+) and shorter than or equal to (.+) characters',
        (min, max) => `长度须在 ${min} 到 ${max} 个字符之间`,
      ),
      wording('.+ must be longer than or equal to (.+) characters', (n) => `至少 ${n} 个字符`),
      wording('.+ must be shorter than or equal to (.+) characters', (n) => `不能超过 ${n} 个字符`),
    ],
    max: [wording('.+ must not be greater than (.+)', (n) => `不能大于 ${n}`)],
    min: [wording('.+ must not be less than (.+)', (n) => `不能小于 ${n}`)],
    arrayMaxSize: [wording('.+ must contain no more than (.+) elements', (n) => `最多 ${n} 项`)],
    arrayMinSize: [wording('.+ must contain at least (.+) elements', (n) => `至少 ${n} 项`)],
    arrayUnique: [wording("All .+'s elements must be unique", () => '各项不能重复')],
    isDefined: [wording('.+ should not be null or undefined', () => '必须填写')],
    isNotEmpty: [wording('.+ should not be empty', () => '不能为空')],
    whitelistValidation: [wording('property .+ should not exist', () => '不允许的字段')],
    nestedValidation: [
      wording('nested property .+ must be either object or array', () => '必须是对象或数组'),
    ],
  }),
);

const EACH = 'each value in ';
const CJK = /[\p{Script=Han}\u3000-\u303F\uFF00-\uFFEF]/u;

/**
 * The problem a client is shown for one failed constraint: Chinese first, class-validator's
 * English kept in parentheses (`不能大于 100 (first must not be greater than 100)`), as every
 * other message of ours reads. A DTO's own message (Chinese, or English in words of its own) and
 * the message of a constraint not known here pass unchanged: better English alone than a
 * translation that may not say what the rule said.
 */
export function bilingualProblem(constraint: string, message: string): string {
  if (CJK.test(message)) return message;
  const each = message.startsWith(EACH);
  const rest = each ? message.slice(EACH.length) : message;
  for (const [english, chinese] of WORDINGS.get(constraint) ?? []) {
    const found = english.exec(rest);
    if (found) return `${each ? '每一项' : ''}${chinese(...found.slice(1))} (${message})`;
  }
  return message;
}
