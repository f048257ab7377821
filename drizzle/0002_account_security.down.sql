DROP TABLE "security_events" CASCADE;--> statement-breakpoint
ALTER TABLE "action_tokens" DROP COLUMN "email";--> statement-breakpoint
ALTER TABLE "sessions" DROP COLUMN "last_used_at";--> statement-breakpoint
ALTER TABLE "sessions" DROP COLUMN "user_agent";--> statement-breakpoint
ALTER TABLE "sessions" DROP COLUMN "ip";--> statement-breakpoint
ALTER TABLE "users" DROP COLUMN "credential_version";