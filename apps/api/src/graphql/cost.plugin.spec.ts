import { parse } from 'graphql';
import { costDependsOnVariables } from './cost.plugin';

describe('costDependsOnVariables', () => {
  it.each([
    ['mutation($i: BookConsultationInput!) { bookConsultation(input: $i) { id state } }', false],
    ['{ institutions(first: 5) { nodes { id } } }', false],
    ['query($n: Int) { institutions(first: $n) { nodes { id } } }', true],
    ['query($c: String) { institutions(after: $c) { nodes { id } } }', true],
    ['query($s: Boolean!) { me { id roles @skip(if: $s) } }', true],
    ['query($k: String) { institutions(kind: $k, first: 5) { nodes { id } } }', false],
  ])('%s → %s', (query, expected) => {
    expect(costDependsOnVariables(parse(query))).toBe(expected);
  });
});
