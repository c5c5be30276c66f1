import { cognitoGroups } from '../src';

describe('cognitoGroups', () => {
  test.each([
    ['a JSON array (the token itself)', ['reviewers', 'police'], ['reviewers', 'police']],
    ["a comma list (TracedApi's group authorizer)", 'reviewers,police', ['reviewers', 'police']],
    ["API Gateway's Cognito authorizer: a space list in brackets", '[reviewers police]', ['reviewers', 'police']],
    ['one group', 'staff', ['staff']],
    ['commas and spaces together, empty entries dropped', ' staff, ,members ', ['staff', 'members']],
    ['an empty claim', '', []],
    ['an empty array', [], []],
  ])('%s', (_, claim, groups) => {
    expect(cognitoGroups({ 'cognito:groups': claim })).toEqual(groups);
  });

  test('no claim, no claims: no groups', () => {
    expect(cognitoGroups({ sub: 'u-1' })).toEqual([]);
    expect(cognitoGroups(undefined)).toEqual([]);
    expect(cognitoGroups(null)).toEqual([]);
  });
});
