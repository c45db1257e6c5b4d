-- CreateEnum
CREATE TYPE "SanctionKind" AS ENUM ('warning', 'ban', 'lifted');

-- AlterTable
ALTER TABLE "Submission" ADD COLUMN     "placeName" TEXT,
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;

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
CREATE INDEX "Sanction_personId_idx" ON "Sanction"("personId");

-- AddForeignKey
ALTER TABLE "Sanction" ADD CONSTRAINT "Sanction_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;
