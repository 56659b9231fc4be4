/**
 * The administration forms' field labels, in each form's order, so that their errors name the field
 * like every other form's (routes/forms.ts).
 */
import { labelFields } from '../forms.js';

labelFields('admin/users/form', { email: 'admin:users.email', name: 'admin:users.name', roles: 'admin:users.roles', team: 'admin:users.team', locale: 'admin:users.locale' });
labelFields('admin/organisations/form', { code: 'admin:organisations.code', country: 'admin:organisations.country', preferredLocale: 'admin:organisations.preferredLocale', timeZone: 'admin:organisations.timeZone', reviewIntervalDays: 'admin:organisations.reviewIntervalDays', services: 'admin:organisations.services' });
labelFields('admin/teams/index', { name: 'admin:teams.name' });
labelFields('admin/teams/rename', { name: 'admin:teams.name' });
