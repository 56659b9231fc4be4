// Lint rules, including the import directions of ARCHITECTURE.md:
// routes, middleware -> services -> models -> domain; services -> lib -> config; only config reads process.env.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (name) => [`**/${name}/*`, `**/${name}`, `../${name}/*`, `../../${name}/*`, `../../../${name}/*`];

function restrict(files, forbidden, message) {
  return {
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: forbidden.map((name) => ({ group: layer(name), message: `${message} (ARCHITECTURE.md)` })) },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
      'no-console': 'error',
    },
  },
  restrict(['src/routes/**/*.ts', 'src/middleware/**/*.ts'], ['models'], 'routes and middleware reach data only through services'),
  restrict(['src/services/**/*.ts'], ['routes', 'middleware', 'views'], 'services never speak HTTP'),
  restrict(['src/models/**/*.ts'], ['routes', 'middleware', 'views', 'services', 'lib', 'config'], 'models import mongoose and domain only'),
  restrict(['src/lib/**/*.ts'], ['routes', 'middleware', 'views', 'services', 'models'], 'lib wraps infrastructure only'),
  {
    files: ['src/domain/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: '^[^.]', message: 'domain imports nothing (ARCHITECTURE.md)' }, { group: ['../*', '!../domain'], message: 'domain imports nothing (ARCHITECTURE.md)' }] }] },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/config/**'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Only src/config reads process.env.' }],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', process: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-unused-expressions': 'off', 'no-console': 'off' },
  },
);
