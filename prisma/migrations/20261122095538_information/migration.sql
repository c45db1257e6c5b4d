-- CreateTable
CREATE TABLE "InfoProfile" (
    "personId" TEXT NOT NULL,
    "secondLocale" TEXT,
    "topics" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InfoProfile_pkey" PRIMARY KEY ("personId")
);

-- CreateTable
CREATE TABLE "InfoItem" (
    "submissionId" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,
    "urgent" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "InfoItem_pkey" PRIMARY KEY ("submissionId")
);

-- CreateTable
CREATE TABLE "InfoQuestion" (
    "id" TEXT NOT NULL,
    "regionId" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "submissionId" TEXT,
    "text" TEXT NOT NULL,
    "answer" TEXT,
    "answeredById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "answeredAt" TIMESTAMP(3),

    CONSTRAINT "InfoQuestion_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "InfoProfile_topics_idx" ON "InfoProfile" USING GIN ("topics");

-- CreateIndex
CREATE INDEX "InfoItem_groupId_idx" ON "InfoItem"("groupId");

-- CreateIndex
CREATE INDEX "InfoQuestion_regionId_answeredAt_createdAt_idx" ON "InfoQuestion"("regionId", "answeredAt", "createdAt");

-- CreateIndex
CREATE INDEX "InfoQuestion_personId_idx" ON "InfoQuestion"("personId");

-- AddForeignKey
ALTER TABLE "InfoProfile" ADD CONSTRAINT "InfoProfile_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InfoItem" ADD CONSTRAINT "InfoItem_submissionId_fkey" FOREIGN KEY ("submissionId") REFERENCES "Submission"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InfoQuestion" ADD CONSTRAINT "InfoQuestion_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;
