-- AlterTable
ALTER TABLE "InfoQuestion" ADD COLUMN     "proposedById" TEXT,
ADD COLUMN     "publication" TEXT,
ADD COLUMN     "qaSubmissionId" TEXT,
ADD COLUMN     "qaTopic" TEXT;
