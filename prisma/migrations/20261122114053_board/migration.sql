-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "SubmissionKind" ADD VALUE 'event';
ALTER TYPE "SubmissionKind" ADD VALUE 'training';
ALTER TYPE "SubmissionKind" ADD VALUE 'need';
ALTER TYPE "SubmissionKind" ADD VALUE 'offer';

-- CreateTable
CREATE TABLE "BoardItem" (
    "submissionId" TEXT NOT NULL,
    "startsAt" TIMESTAMP(3),
    "endsAt" TIMESTAMP(3),
    "placeName" TEXT,
    "lat" DOUBLE PRECISION,
    "lon" DOUBLE PRECISION,
    "organiser" TEXT,
    "capacity" INTEGER,
    "taken" INTEGER NOT NULL DEFAULT 0,
    "quantity" TEXT,
    "until" TIMESTAMP(3),
    "metAt" TIMESTAMP(3),
    "metById" TEXT,

    CONSTRAINT "BoardItem_pkey" PRIMARY KEY ("submissionId")
);

-- CreateTable
CREATE TABLE "BoardSignup" (
    "submissionId" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BoardSignup_pkey" PRIMARY KEY ("submissionId","personId")
);

-- CreateIndex
CREATE INDEX "BoardItem_startsAt_idx" ON "BoardItem"("startsAt");

-- CreateIndex
CREATE INDEX "BoardSignup_personId_idx" ON "BoardSignup"("personId");

-- AddForeignKey
ALTER TABLE "BoardItem" ADD CONSTRAINT "BoardItem_submissionId_fkey" FOREIGN KEY ("submissionId") REFERENCES "Submission"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BoardSignup" ADD CONSTRAINT "BoardSignup_submissionId_fkey" FOREIGN KEY ("submissionId") REFERENCES "BoardItem"("submissionId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BoardSignup" ADD CONSTRAINT "BoardSignup_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;
