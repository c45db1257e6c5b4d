-- CreateEnum
CREATE TYPE "CallOutcome" AS ENUM ('good', 'mixed', 'bad');

-- CreateEnum
CREATE TYPE "SanctionKind" AS ENUM ('warning', 'ban', 'lifted');

-- AlterTable
ALTER TABLE "Submission" ADD COLUMN     "placeName" TEXT,
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;

-- CreateTable
CREATE TABLE "AbuseReport" (
    "id" TEXT NOT NULL,
    "submissionId" TEXT NOT NULL,
    "reporterId" TEXT,
    "reason" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMP(3),
    "resolvedById" TEXT,
    "resolution" TEXT,

    CONSTRAINT "AbuseReport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CallReport" (
    "id" TEXT NOT NULL,
    "callId" TEXT NOT NULL,
    "personId" TEXT,
    "organisationId" TEXT NOT NULL,
    "outcome" "CallOutcome" NOT NULL,
    "hours" DOUBLE PRECISION NOT NULL,
    "issues" TEXT,
    "submissionId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CallReport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Sanction" (
    "id" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "kind" "SanctionKind" NOT NULL,
    "reason" TEXT NOT NULL,
    "byId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "appeal" TEXT,
    "appealedAt" TIMESTAMP(3),
    "settledAt" TIMESTAMP(3),

    CONSTRAINT "Sanction_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AbuseReport_resolvedAt_createdAt_idx" ON "AbuseReport"("resolvedAt", "createdAt");

-- CreateIndex
CREATE INDEX "AbuseReport_submissionId_idx" ON "AbuseReport"("submissionId");

-- CreateIndex
CREATE INDEX "CallReport_organisationId_createdAt_idx" ON "CallReport"("organisationId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "CallReport_callId_personId_key" ON "CallReport"("callId", "personId");

-- CreateIndex
CREATE INDEX "Sanction_personId_idx" ON "Sanction"("personId");

-- AddForeignKey
ALTER TABLE "AbuseReport" ADD CONSTRAINT "AbuseReport_submissionId_fkey" FOREIGN KEY ("submissionId") REFERENCES "Submission"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CallReport" ADD CONSTRAINT "CallReport_callId_fkey" FOREIGN KEY ("callId") REFERENCES "HelperCall"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CallReport" ADD CONSTRAINT "CallReport_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Sanction" ADD CONSTRAINT "Sanction_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;
