import { defineConfig } from 'prisma/config';

// The Prisma CLI is used only to generate the client (`npm run db:generate`).
// Migrations are created and applied without the CLI's schema-engine binary:
// see "Database migrations" in README.md.
export default defineConfig({
  schema: 'prisma/schema.prisma',
});
