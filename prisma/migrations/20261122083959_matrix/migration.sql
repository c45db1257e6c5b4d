-- CreateTable
CREATE TABLE "MatrixRoom" (
    "roomId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "encrypted" BOOLEAN NOT NULL DEFAULT false,
    "leftAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MatrixRoom_pkey" PRIMARY KEY ("roomId")
);

-- CreateTable
CREATE TABLE "MatrixState" (
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MatrixState_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "MatrixRoom_userId_idx" ON "MatrixRoom"("userId");
