// Package bot is cohortbot's domain: the transport-neutral update and
// message types, the roles and members of a cohort, the router with its
// middleware, and one handler file per feature (registration, profile,
// members, invites, schedule, ...). Platform adapters (bot/telegram,
// bot/console) translate to and from these types; store/ keeps the state.
// Nothing in this package imports a platform SDK or a Redis client.
package bot
