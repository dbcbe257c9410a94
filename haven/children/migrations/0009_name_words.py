"""The words of the comparison keys, indexed one by one, so that the search for a known child
asks which keys hold words alike to the first and the last word of a name rather than which
keys look alike as a whole (ID-7; haven.identification.search). A whole-name trigram index
read the posting lists of a very common family name's trigrams for every name that has it, and
rechecked tens of thousands of keys at a million children.

On PostgreSQL:
- haven_name_units(key): the key's words and each two or three neighbours joined, also once
  the particles and leading titles are left out, and "=" and the whole key joined when it has
  three words or fewer (as haven.core.names.word_units), indexed on ChildNameKey with GIN;
- children_nameword: every word of the keys once (not the joined ones: those would make it as
  large as the keys themselves), kept by statement triggers on ChildNameKey (the words of new
  or changed keys added, those no key holds any more removed: an erased name leaves no word,
  DP-8), looked up by trigram, by one letter left out (haven_word_deletions, as
  haven.core.names.word_deletions) and by the two shapes that the scoring gives a floor
  (haven_word_skeleton, haven_word_folded, as haven.core.names.word_shapes);
- an advisory lock orders adding and removing, so that a word removed by one transaction is
  never missing for a key another added at the same moment;
- the whole-name trigram index goes: nothing asks it any more.
SQLite keeps no vocabulary: its search scores every child's keys."""

from django.db import migrations, models

# The advisory lock that orders the vocabulary's triggers (any fixed number of Haven's own).
LOCK = 7_190_007
# haven.core.names' particles and titles as this migration was written, in their phonetic form
# (_PARTICLES, _TITLES): a test compares haven_name_units with word_units on every one of them.
PARTICLES = "'{bin,binti,cr,i,sr,ti,wan}'::text[]"
TITLES = (
    "'{dao,dekcai,dekying,ko,ma,maung,mis,mr,mrs,ms,nai,nan,nang,nangsao,nao,sai,sao,tao,u}'"
    "::text[]"
)

FUNCTIONS = f"""
-- COST: so that the planner reads the index rather than working the units out row by row (a
-- search whose words are alike to hundreds of others was planned as a scan of every key, 9 s
-- at 100,000 children).
CREATE FUNCTION haven_name_units(key text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 10000 AS $$
DECLARE
  words text[] := string_to_array(key, ' ');
  kept text[];
  tokens text[];
  units text[] := string_to_array(key, ' ');
BEGIN
  -- The key without its particles, then without its leading titles while a word is left.
  kept := ARRAY(
    SELECT w FROM unnest(words) WITH ORDINALITY AS t(w, i) WHERE w <> ALL ({PARTICLES}) ORDER BY i
  );
  WHILE cardinality(kept) > 1 AND kept[1] = ANY ({TITLES}) LOOP
    kept := kept[2:];
  END LOOP;
  IF cardinality(kept) = 0 THEN
    kept := words;
  END IF;
  FOR pass IN 1..2 LOOP
    tokens := CASE pass WHEN 1 THEN words ELSE kept END;
    FOR n IN 2..3 LOOP
      FOR i IN 1..cardinality(tokens) - n + 1 LOOP
        units := units || array_to_string(tokens[i:i + n - 1], '');
      END LOOP;
    END LOOP;
    IF cardinality(tokens) BETWEEN 1 AND 3 THEN
      units := units || ('=' || array_to_string(tokens, ''));
    END IF;
  END LOOP;
  RETURN ARRAY(
    SELECT u FROM unnest(units) WITH ORDINALITY AS t(u, i) GROUP BY u ORDER BY min(i)
  );
END $$;
CREATE FUNCTION haven_word_skeleton(word text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT left(word, 1) || regexp_replace(substr(word, 2), '[aeiouy]', '', 'g')
$$;
CREATE FUNCTION haven_word_folded(word text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT translate(word, 'dgbzc', 'tkpsk')
$$;
-- plpgsql, not sql: an SQL function is inlined, and the planner then takes it for cheap and
-- works it out for every word rather than reading its index (1 s at a million children).
CREATE FUNCTION haven_word_deletions(word text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $$
BEGIN
  RETURN ARRAY(
    SELECT x FROM (
      SELECT word AS x, 0 AS i
      UNION ALL
      SELECT left(word, i - 1) || substr(word, i + 1), i FROM generate_series(1, length(word)) AS i
    ) AS d GROUP BY x ORDER BY min(i)
  );
END $$;
CREATE FUNCTION haven_name_words_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock_shared({LOCK});
  INSERT INTO children_nameword (word)
  SELECT DISTINCT unnest(string_to_array(key, ' ')) FROM new_keys
  ON CONFLICT (word) DO NOTHING;
  RETURN NULL;
END $$;
CREATE FUNCTION haven_name_words_prune() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock({LOCK});
  DELETE FROM children_nameword AS w
  USING (SELECT DISTINCT unnest(string_to_array(key, ' ')) AS word FROM old_keys) AS gone
  WHERE w.word = gone.word
    AND NOT EXISTS (
      SELECT 1 FROM children_childnamekey AS k WHERE haven_name_units(k.key) @> ARRAY[w.word]
    );
  RETURN NULL;
END $$;
"""

TRIGGERS = """
CREATE TRIGGER child_name_key_words_inserted AFTER INSERT ON children_childnamekey
  REFERENCING NEW TABLE AS new_keys FOR EACH STATEMENT EXECUTE FUNCTION haven_name_words_add();
CREATE TRIGGER child_name_key_words_updated AFTER UPDATE ON children_childnamekey
  REFERENCING NEW TABLE AS new_keys FOR EACH STATEMENT EXECUTE FUNCTION haven_name_words_add();
CREATE TRIGGER child_name_key_words_replaced AFTER UPDATE ON children_childnamekey
  REFERENCING OLD TABLE AS old_keys FOR EACH STATEMENT EXECUTE FUNCTION haven_name_words_prune();
CREATE TRIGGER child_name_key_words_deleted AFTER DELETE ON children_childnamekey
  REFERENCING OLD TABLE AS old_keys FOR EACH STATEMENT EXECUTE FUNCTION haven_name_words_prune();
"""

INDEXES = """
CREATE INDEX child_name_key_units ON children_childnamekey USING gin (haven_name_units(key));
INSERT INTO children_nameword (word)
  SELECT DISTINCT unnest(string_to_array(key, ' ')) FROM children_childnamekey;
CREATE INDEX name_word_trgm ON children_nameword USING gin (word gin_trgm_ops);
CREATE INDEX name_word_skeleton ON children_nameword (haven_word_skeleton(word));
CREATE INDEX name_word_folded ON children_nameword (haven_word_folded(word));
CREATE INDEX name_word_deletions ON children_nameword USING gin (haven_word_deletions(word));
DROP INDEX IF EXISTS child_name_key_trgm;
"""

UNDO = """
CREATE INDEX IF NOT EXISTS child_name_key_trgm ON children_childnamekey USING gin (key gin_trgm_ops);
DROP TRIGGER IF EXISTS child_name_key_words_inserted ON children_childnamekey;
DROP TRIGGER IF EXISTS child_name_key_words_updated ON children_childnamekey;
DROP TRIGGER IF EXISTS child_name_key_words_replaced ON children_childnamekey;
DROP TRIGGER IF EXISTS child_name_key_words_deleted ON children_childnamekey;
DROP INDEX IF EXISTS child_name_key_units;
DROP FUNCTION IF EXISTS haven_name_words_add();
DROP FUNCTION IF EXISTS haven_name_words_prune();
DROP FUNCTION IF EXISTS haven_name_units(text);
DROP FUNCTION IF EXISTS haven_word_skeleton(text) CASCADE;
DROP FUNCTION IF EXISTS haven_word_folded(text) CASCADE;
DROP FUNCTION IF EXISTS haven_word_deletions(text) CASCADE;
"""


def index_words(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTIONS + TRIGGERS + INDEXES)


def unindex_words(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNDO)


class Migration(migrations.Migration):
    dependencies = [("children", "0008_fill_child_name_keys")]
    operations = [
        migrations.CreateModel(
            name="NameWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("word", models.TextField(unique=True)),
            ],
        ),
        migrations.RunPython(index_words, unindex_words),
    ]
