import { glueTypeProblem, PRIMITIVE_TYPES } from '../../src/stream/private/glue-types';

describe('glueTypeProblem', () => {
  test.each([
    ...PRIMITIVE_TYPES,
    'decimal(10,2)', 'char(10)', 'varchar(65535)',
    'array<string>', 'map<string,int>', 'map<varchar(10),array<double>>',
    'struct<id:string,tags:array<string>,geo:struct<lat:double,lon:double>>',
  ])('%s is a Glue type', (type) => {
    expect(glueTypeProblem(type)).toBeUndefined();
  });

  test.each([
    ['text', /'text' is not a Glue type; allowed: boolean/],
    ['', /'<nothing>' is not a Glue type/],
    ['array<string', /'>' expected at position 12/],
    ['map<array<string>,int>', /a map key must be a primitive type, got 'array'/],
    ['struct<a:int,a:string>', /struct field 'a' appears twice/],
    ['struct<A:int>', /a struct field name \(lowercase letters, digits, _\) expected/],
    ['decimal(39,2)', /decimal precision 39 is outside 1-38/],
    ['decimal(5,6)', /decimal scale 6 is larger than its precision 5/],
    ['char(256)', /char length 256 is outside 1-255/],
    ['varchar', /'\(' expected/],
    ['int extra', /unexpected ' extra' at position 3/],
  ])('%s: %s', (type, problem) => {
    expect(glueTypeProblem(type)).toMatch(problem);
  });
});
