import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's root folder, the same from src/ (tsx) and dist/ (compiled). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const VIEWS_DIR = path.join(ROOT, 'src', 'views');
export const LOCALES_DIR = path.join(ROOT, 'locales');
export const PUBLIC_DIR = path.join(ROOT, 'public');
export const NODE_MODULES_DIR = path.join(ROOT, 'node_modules');
export const RESOURCES_DIR = path.join(ROOT, 'resources');
