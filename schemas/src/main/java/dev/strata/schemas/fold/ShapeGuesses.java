package dev.strata.schemas.fold;

import java.util.Arrays;

/**
 * Per table, the shape of the last new row image a segment reader read, which the table's next change most likely has
 * too (and, once a DELETE asked, that of its key alone as an old image): an image read as expected needs no lookup in
 * the catalog. One per reader.
 */
final class ShapeGuesses {
    private final ShapeCatalog catalog;
    private Guess[] guesses = new Guess[4];

    ShapeGuesses(ShapeCatalog catalog) {
        this.catalog = catalog;
    }

    /** Tells the lists what a change of the table most likely holds. */
    void expect(int tableId, ColumnList key, ColumnList before, ColumnList after) {
        Guess guess = tableId < guesses.length ? guesses[tableId] : null;
        key.expect(guess == null ? null : guess.key);
        before.expect(guess == null ? null : guess.columns);
        after.expect(guess == null ? null : guess.columns);
    }

    /**
     * The shape of a row image (old or new) and the key just read: the guess when both were as expected, else the
     * catalog's, which becomes the guess when the image is a new one (an old image may be the key columns alone).
     */
    int shapeId(int tableId, ColumnList image, ColumnList key, boolean newImage) {
        if (image.asExpected() && key.asExpected()) {
            return guesses[tableId].shapeId;
        }
        int shapeId = catalog.shapeId(tableId, image, key);
        if (newImage) {
            if (tableId >= guesses.length) {
                guesses = Arrays.copyOf(guesses, Math.max(tableId + 1, 2 * guesses.length));
            }
            guesses[tableId] = new Guess(shapeId, ColumnLayout.of(image), ColumnLayout.of(key));
        }
        return shapeId;
    }

    /**
     * The shape of a DELETE that carries its key alone: the guess's when the key was as expected, else the catalog's. Not
     * the catalog's every time: its per-thread map of last shapes costs a lookup per delete that the guess has answered.
     */
    int keyImageShapeId(int tableId, ColumnList key) {
        Guess guess = tableId < guesses.length ? guesses[tableId] : null;
        if (guess == null || !key.asExpected()) {
            return catalog.shapeId(tableId, key, key);
        }
        if (guess.keyImageShapeId < 0) {
            guess.keyImageShapeId = catalog.shapeId(tableId, key, key);
        }
        return guess.keyImageShapeId;
    }

    private static final class Guess {
        final int shapeId;
        final ColumnLayout columns;
        final ColumnLayout key;
        int keyImageShapeId = -1;

        Guess(int shapeId, ColumnLayout columns, ColumnLayout key) {
            this.shapeId = shapeId;
            this.columns = columns;
            this.key = key;
        }
    }
}
