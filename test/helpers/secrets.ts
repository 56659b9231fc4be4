/**
 * Every password, code, token and cookie the tests use is planted here, so that the last test of the
 * run can check that none of them reached the logs (SECURITY.md D4).
 */
const planted = new Set<string>();

export function plant<T extends string>(value: T): T {
  if (value.length >= 6) planted.add(value);
  return value;
}

export function plantedSecrets(): string[] {
  return [...planted];
}
