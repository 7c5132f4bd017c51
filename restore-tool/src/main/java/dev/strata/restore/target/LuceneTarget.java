package dev.strata.restore.target;

import dev.strata.restore.BadInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.StringJoiner;
import java.util.stream.Stream;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * Rebuilds a search index: one Lucene document per row. Each document has {@value #TENANT},
 * {@value #TABLE} and {@value #ID} (table and key, unique) as exact terms, and every non-null
 * column under its own name: text and json columns analysed for full-text search, other columns as
 * exact terms in their Postgres text, whole-number columns also as points for range queries. Every
 * value is stored. How a column is indexed follows its declared type, never the value. The index is committed once, at the end: a failed restore leaves no index behind. Forced into
 * an index that holds documents, only this tenant's documents are replaced.
 */
public final class LuceneTarget implements ReplayTarget {
    public static final String TENANT = "_tenant";
    public static final String TABLE = "_table";
    public static final String ID = "_id";
    private static final int MAX_TERM_CHARS = 8000;

    private final Path directory;
    private Directory index;
    private IndexWriter writer;
    private boolean createdDirectory;
    private String tenant;

    public LuceneTarget(Path directory) {
        this.directory = directory;
    }

    @Override
    public String describe() {
        return "lucene index " + directory;
    }

    @Override
    public void begin(RestoreScope scope) {
        tenant = scope.tenant().value();
        try {
            createdDirectory = !Files.exists(directory);
            Files.createDirectories(directory);
            index = FSDirectory.open(directory);
            boolean holdsDocuments = DirectoryReader.indexExists(index) && documents(index) > 0;
            boolean holdsFiles = !holdsDocuments && !isEmptyDirectory();
            if ((holdsDocuments || holdsFiles) && !scope.force()) {
                throw new BadInputException("cannot restore tenant " + tenant + ": " + directory + " is not empty"
                        + (holdsDocuments ? " (it holds an index with documents)" : "")
                        + " (use --force to replace the tenant's documents, or a new directory)");
            }
            // forced into an index with documents: only this tenant's documents are replaced
            IndexWriterConfig config = new IndexWriterConfig(new StandardAnalyzer())
                    .setOpenMode(holdsDocuments ? IndexWriterConfig.OpenMode.CREATE_OR_APPEND : IndexWriterConfig.OpenMode.CREATE)
                    .setRAMBufferSizeMB(128);
            writer = new IndexWriter(index, config);
            if (holdsDocuments) {
                writer.deleteDocuments(new Term(TENANT, tenant));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the index directory " + directory + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void apply(FoldedRow row) {
        if (row.deleted()) {
            return;
        }
        Document doc = new Document();
        doc.add(new StringField(TENANT, tenant, Field.Store.YES));
        doc.add(new StringField(TABLE, row.table().name(), Field.Store.YES));
        doc.add(new StringField(ID, id(row), Field.Store.YES));
        Object[] values = row.values();
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                continue;
            }
            // one way of indexing per column, whatever the value: Lucene wants a field alike in every document
            String name = row.shape().columns().get(i);
            String pgType = row.shape().pgTypes().get(i);
            String text = PgText.text(row.table().kind(i), values[i]);
            if (isFullText(pgType)) {
                doc.add(new TextField(name, text, Field.Store.YES));
            } else {
                doc.add(new StringField(name, text.length() <= MAX_TERM_CHARS ? text : text.substring(0, MAX_TERM_CHARS), Field.Store.NO));
                doc.add(new StoredField(name, text));
                if (isWholeNumber(pgType) && values[i] instanceof Long l) {
                    doc.add(new LongPoint(name, l));
                }
            }
        }
        try {
            writer.addDocument(doc);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot add a document to " + directory + ": " + e.getMessage(), e);
        }
    }

    /** {@code table|col=value|...}: unique per row, readable, and the same for the same key. */
    static String id(FoldedRow row) {
        StringJoiner id = new StringJoiner("|", row.table().name() + "|", "");
        Object[] key = row.key();
        for (int i = 0; i < key.length; i++) {
            String text = key[i] == null ? "\\N" : PgText.text(row.table().keyKind(i), key[i]);
            id.add(row.table().keyName(i) + "=" + text.length() + ":" + text);
        }
        return id.toString();
    }

    @Override
    public void commit() {
        try {
            writer.commit();
            writer.close();
            writer = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot commit the index in " + directory + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void abort() {
        try {
            if (writer != null) {
                writer.rollback();
                writer = null;
            }
            if (createdDirectory) {
                deleteTree();
            }
        } catch (IOException e) {
            // best effort: an uncommitted index is never visible to readers anyway
        }
    }

    @Override
    public void close() {
        try {
            if (writer != null) {
                writer.rollback();
            }
            if (index != null) {
                index.close();
            }
        } catch (IOException e) {
            // nothing to keep: an uncommitted writer leaves the last commit in place
        }
    }

    private static boolean isFullText(String pgType) {
        String t = pgType.toLowerCase(java.util.Locale.ROOT);
        return t.startsWith("text") || t.startsWith("character") || t.startsWith("varchar") || t.startsWith("json")
                || t.startsWith("citext") || t.startsWith("xml");
    }

    private static boolean isWholeNumber(String pgType) {
        String t = pgType.toLowerCase(java.util.Locale.ROOT);
        return t.equals("bigint") || t.equals("integer") || t.equals("smallint") || t.equals("int8") || t.equals("int4")
                || t.equals("int2") || t.equals("oid");
    }

    private static int documents(Directory index) throws IOException {
        try (DirectoryReader reader = DirectoryReader.open(index)) {
            return reader.numDocs();
        }
    }

    private boolean isEmptyDirectory() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.noneMatch(f -> !f.getFileName().toString().equals("write.lock"));
        }
    }

    private void deleteTree() throws IOException {
        if (index != null) {
            index.close();
            index = null;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
