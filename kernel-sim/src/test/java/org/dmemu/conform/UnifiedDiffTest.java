package org.dmemu.conform;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Exact diff -u output for small cases (the expected texts are what GNU diff -u prints for them). */
class UnifiedDiffTest {
    @Test
    void equalTexts_noDiff() {
        assertEquals("", UnifiedDiff.diff("a", "x\ny\n", "b", "x\ny\n"));
    }

    @Test
    void oneChangedLine_threeLinesOfContext() {
        String a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
        String b = "1\n2\n3\n4\nFIVE\n6\n7\n8\n9\n";
        assertEquals("--- want\n+++ got\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+FIVE\n 6\n 7\n 8\n",
                UnifiedDiff.diff("want", a, "got", b));
    }

    @Test
    void farApartChanges_twoHunks_nearChanges_oneHunk() {
        StringBuilder a = new StringBuilder();
        for (int i = 1; i <= 20; i++) {
            a.append(i).append('\n');
        }
        String b = a.toString().replace("\n2\n", "\ntwo\n").replace("\n19\n", "\nnineteen\n");
        String d = UnifiedDiff.diff("a", a.toString(), "b", b);
        assertEquals("--- a\n+++ b\n@@ -1,5 +1,5 @@\n 1\n-2\n+two\n 3\n 4\n 5\n"
                + "@@ -16,5 +16,5 @@\n 16\n 17\n 18\n-19\n+nineteen\n 20\n", d);
        String near = a.toString().replace("\n5\n", "\nfive\n").replace("\n10\n", "\nten\n");
        assertTrue(UnifiedDiff.diff("a", a.toString(), "b", near).startsWith("--- a\n+++ b\n@@ -2,12 +2,12 @@\n"));
    }

    @Test
    void insertionsDeletions_emptySides_missingNewline() {
        assertEquals("--- a\n+++ b\n@@ -0,0 +1 @@\n+x\n", UnifiedDiff.diff("a", "", "b", "x\n"));
        assertEquals("--- a\n+++ b\n@@ -1 +0,0 @@\n-x\n", UnifiedDiff.diff("a", "x\n", "b", ""));
        assertEquals("--- a\n+++ b\n@@ -1,2 +1,3 @@\n a\n+new\n b\n", UnifiedDiff.diff("a", "a\nb\n", "b", "a\nnew\nb\n"));
        assertEquals("--- a\n+++ b\n@@ -1 +1 @@\n-x\n+x\n\\ No newline at end of file\n",
                UnifiedDiff.diff("a", "x\n", "b", "x"));
    }
}
