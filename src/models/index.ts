/** Every model, so that index sync and engine checks see them all. */
export { OrganisationModel } from './organisation.js';
export { SystemStateModel } from './system-state.js';
