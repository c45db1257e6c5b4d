-- CreateTable
CREATE TABLE "MatchEntry" (
    "personId" TEXT NOT NULL,
    "activity" TEXT NOT NULL,
    "regionId" TEXT NOT NULL,
    "cell" INTEGER NOT NULL,
    "lat" DOUBLE PRECISION NOT NULL,
    "lon" DOUBLE PRECISION NOT NULL,
    "travelRadiusKm" INTEGER,
    "languages" TEXT[],
    "lastAskedAt" TIMESTAMP(3),
    "timesAsked" INTEGER NOT NULL,
    "lastNoShowAt" TIMESTAMP(3),
    "pausedUntil" TIMESTAMP(3),

    CONSTRAINT "MatchEntry_pkey" PRIMARY KEY ("personId","activity")
);

-- CreateIndex
CREATE INDEX "MatchEntry_matching_idx" ON "MatchEntry"("regionId", "activity", "cell", "lastAskedAt", "timesAsked", "lat", "lon", "travelRadiusKm", "lastNoShowAt", "pausedUntil", "languages", "personId");

-- Kept by the database itself, whichever code changes a Person: one statement-level trigger per
-- operation, so a wave marking a thousand people asked costs one DELETE and one INSERT here.
-- Only changes to the columns the matching reads rewrite a person's entries.
CREATE FUNCTION "MatchEntry_sync"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "MatchEntry" ("personId", activity, "regionId", cell, lat, lon, "travelRadiusKm", languages,
                              "lastAskedAt", "timesAsked", "lastNoShowAt", "pausedUntil")
    SELECT DISTINCT ON (n.id, a.activity) n.id, a.activity, n."regionId", n.cell, n.lat, n.lon, n."travelRadiusKm", n.languages,
           n."lastAskedAt", n."timesAsked", n."lastNoShowAt", n."pausedUntil"
      FROM new_rows n CROSS JOIN LATERAL unnest(n.activities) AS a(activity)
     WHERE n.kind = 'volunteer' AND n.status = 'active' AND n.lat IS NOT NULL AND n.lon IS NOT NULL AND n.cell IS NOT NULL;
  ELSIF TG_OP = 'UPDATE' THEN
    DELETE FROM "MatchEntry" m USING new_rows n JOIN old_rows o ON o.id = n.id
     WHERE m."personId" = o.id
       AND (n."regionId", n.kind, n.status, n.lat, n.lon, n.cell, n."travelRadiusKm", n.activities, n.languages,
            n."lastAskedAt", n."timesAsked", n."lastNoShowAt", n."pausedUntil")
           IS DISTINCT FROM
           (o."regionId", o.kind, o.status, o.lat, o.lon, o.cell, o."travelRadiusKm", o.activities, o.languages,
            o."lastAskedAt", o."timesAsked", o."lastNoShowAt", o."pausedUntil");
    INSERT INTO "MatchEntry" ("personId", activity, "regionId", cell, lat, lon, "travelRadiusKm", languages,
                              "lastAskedAt", "timesAsked", "lastNoShowAt", "pausedUntil")
    SELECT DISTINCT ON (n.id, a.activity) n.id, a.activity, n."regionId", n.cell, n.lat, n.lon, n."travelRadiusKm", n.languages,
           n."lastAskedAt", n."timesAsked", n."lastNoShowAt", n."pausedUntil"
      FROM new_rows n JOIN old_rows o ON o.id = n.id CROSS JOIN LATERAL unnest(n.activities) AS a(activity)
     WHERE n.kind = 'volunteer' AND n.status = 'active' AND n.lat IS NOT NULL AND n.lon IS NOT NULL AND n.cell IS NOT NULL
       AND (n."regionId", n.kind, n.status, n.lat, n.lon, n.cell, n."travelRadiusKm", n.activities, n.languages,
            n."lastAskedAt", n."timesAsked", n."lastNoShowAt", n."pausedUntil")
           IS DISTINCT FROM
           (o."regionId", o.kind, o.status, o.lat, o.lon, o.cell, o."travelRadiusKm", o.activities, o.languages,
            o."lastAskedAt", o."timesAsked", o."lastNoShowAt", o."pausedUntil");
  ELSE
    DELETE FROM "MatchEntry" m USING old_rows o WHERE m."personId" = o.id;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "MatchEntry_insert" AFTER INSERT ON "Person"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "MatchEntry_sync"();
CREATE TRIGGER "MatchEntry_update" AFTER UPDATE ON "Person"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "MatchEntry_sync"();
CREATE TRIGGER "MatchEntry_delete" AFTER DELETE ON "Person"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "MatchEntry_sync"();

-- The people already there.
INSERT INTO "MatchEntry" ("personId", activity, "regionId", cell, lat, lon, "travelRadiusKm", languages,
                          "lastAskedAt", "timesAsked", "lastNoShowAt", "pausedUntil")
SELECT DISTINCT ON (p.id, a.activity) p.id, a.activity, p."regionId", p.cell, p.lat, p.lon, p."travelRadiusKm", p.languages,
       p."lastAskedAt", p."timesAsked", p."lastNoShowAt", p."pausedUntil"
  FROM "Person" p CROSS JOIN LATERAL unnest(p.activities) AS a(activity)
 WHERE p.kind = 'volunteer' AND p.status = 'active'
   AND p.lat IS NOT NULL AND p.lon IS NOT NULL AND p.cell IS NOT NULL;
