package dev.nabla.samples.charlm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;

/**
 * A text as character ids over its own vocabulary (its distinct characters, in code-point order),
 * split into a training part (the first 90%) and a validation part (the rest): the validation text
 * is a later stretch of the book, never seen in training.
 *
 * @param vocabulary the distinct characters, sorted; a character's id is its index here
 * @param train the ids of the training part
 * @param validation the ids of the validation part
 */
public record CharCorpus(String vocabulary, long[] train, long[] validation) {
    /** The bundled text: Genesis to Deuteronomy of the King James Bible (public domain; see the README). */
    public static final String BUNDLED = "kjv-pentateuch.txt.gz";

    /** The share of the text used for training; the rest validates. */
    public static final double TRAIN_FRACTION = 0.9;

    /**
     * The bundled text.
     *
     * @throws UncheckedIOException if the resource is missing from the class path or unreadable
     */
    public static CharCorpus bundled() {
        try (InputStream in = CharCorpus.class.getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new UncheckedIOException(new IOException("CharCorpus: resource " + BUNDLED + " is not on the class path"));
            }
            return of(new String(new GZIPInputStream(in).readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("CharCorpus: cannot read " + BUNDLED + ": " + e.getMessage(), e);
        }
    }

    /**
     * A UTF-8 text file ({@code .gz} is decompressed).
     *
     * @throws IOException if it cannot be read or decompressed
     * @throws IllegalArgumentException if it is too short to split (see {@link #of})
     */
    public static CharCorpus read(Path file) throws IOException {
        if (!file.getFileName().toString().endsWith(".gz")) {
            return of(Files.readString(file, StandardCharsets.UTF_8));
        }
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            return of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /**
     * {@code text} over its own characters (UTF-16 units outside the basic plane are kept as they
     * are: this is a demo over English text).
     *
     * @throws IllegalArgumentException if the text has fewer than 20 characters
     */
    public static CharCorpus of(String text) {
        if (text.length() < 20) {
            throw new IllegalArgumentException("CharCorpus: the text must have at least 20 characters, got " + text.length());
        }
        TreeSet<Character> set = new TreeSet<>();
        for (int i = 0; i < text.length(); i++) {
            set.add(text.charAt(i));
        }
        StringBuilder vocabulary = new StringBuilder(set.size());
        set.forEach(vocabulary::append);
        String vocab = vocabulary.toString();
        long[] ids = encode(vocab, text);
        int cut = (int) (ids.length * TRAIN_FRACTION);
        return new CharCorpus(vocab, Arrays.copyOfRange(ids, 0, cut), Arrays.copyOfRange(ids, cut, ids.length));
    }

    /**
     * The ids of {@code text}'s characters in {@code vocabulary}.
     *
     * @throws IllegalArgumentException naming the first character that is not in the vocabulary
     */
    public static long[] encode(String vocabulary, String text) {
        long[] ids = new long[text.length()];
        for (int i = 0; i < ids.length; i++) {
            int id = vocabulary.indexOf(text.charAt(i));
            if (id < 0) {
                throw new IllegalArgumentException("CharCorpus: the character '" + text.charAt(i) + "' (U+"
                        + String.format("%04X", (int) text.charAt(i)) + ") at index " + i + " is not in the vocabulary");
            }
            ids[i] = id;
        }
        return ids;
    }
}
