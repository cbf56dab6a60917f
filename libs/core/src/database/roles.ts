/**
 * The group role that holds the apps' privileges, granted by migrations in each database.
 * The login role the apps use (DB_USER) is made a member of it when migrations run.
 */
export const APP_GROUP_ROLE = 'yg_app';
