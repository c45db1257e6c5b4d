-- CreateTable
CREATE TABLE "ModeratorNoticeOptOut" (
    "personId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ModeratorNoticeOptOut_pkey" PRIMARY KEY ("personId")
);
