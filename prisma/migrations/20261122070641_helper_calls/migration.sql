-- AlterTable
ALTER TABLE "CallResponse" ADD COLUMN     "wave" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "HelperCall" ADD COLUMN     "cancelledAt" TIMESTAMP(3),
ADD COLUMN     "filledAt" TIMESTAMP(3),
ADD COLUMN     "nextWaveAt" TIMESTAMP(3),
ADD COLUMN     "waves" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Person" ADD COLUMN     "calendarToken" TEXT,
ADD COLUMN     "cell" INTEGER;

-- AlterTable
ALTER TABLE "SentMessage" ADD COLUMN     "subject" TEXT;

-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "key" TEXT,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "runAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 8,
    "lockedBy" TEXT,
    "lockedUntil" TIMESTAMP(3),
    "lastError" TEXT,
    "doneAt" TIMESTAMP(3),
    "failedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RateSlot" (
    "key" TEXT NOT NULL,
    "nextAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RateSlot_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "Job_key_key" ON "Job"("key");

-- CreateIndex
CREATE INDEX "Job_doneAt_runAt_idx" ON "Job"("doneAt", "runAt");

-- CreateIndex
CREATE INDEX "CallResponse_personId_askedAt_idx" ON "CallResponse"("personId", "askedAt");

-- CreateIndex
CREATE INDEX "HelperCall_organisationId_startsAt_idx" ON "HelperCall"("organisationId", "startsAt");

-- CreateIndex
CREATE UNIQUE INDEX "Person_calendarToken_key" ON "Person"("calendarToken");

-- CreateIndex
CREATE INDEX "Person_regionId_cell_idx" ON "Person"("regionId", "cell");

-- CreateIndex
CREATE INDEX "Person_activities_idx" ON "Person" USING GIN ("activities");

-- CreateIndex
CREATE INDEX "Person_languages_idx" ON "Person" USING GIN ("languages");

-- CreateIndex
CREATE INDEX "SentMessage_subject_idx" ON "SentMessage"("subject");
