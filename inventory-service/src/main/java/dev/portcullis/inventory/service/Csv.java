package dev.portcullis.inventory.service;

import java.util.ArrayList;
import java.util.List;

/** RFC 4180 fields of one CSV record: commas, double quotes around a field, and "" for a quote inside one. */
final class Csv {

    private Csv() {
    }

    /** The fields of {@code line}; an unterminated quote is an error naming the column. */
    static List<String> fields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == '"' && field.length() == 0 && !wasQuoted) {
                quoted = true;
                wasQuoted = true;
            } else if (c == ',') {
                fields.add(wasQuoted ? field.toString() : field.toString().trim());
                field.setLength(0);
                wasQuoted = false;
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("a quote in column " + (fields.size() + 1) + " is never closed");
        }
        fields.add(wasQuoted ? field.toString() : field.toString().trim());
        return fields;
    }

    /** The lines of a CSV text (a quoted field may not span lines here: one guest, one line), without blank ones' content. */
    static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\r?\n", -1)) {
            lines.add(line);
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    /**
     * One CSV record (RFC 4180, CRLF) of {@code fields}: a field with a comma, quote or line break is quoted; one that a spreadsheet
     * would run as a formula (=, +, -, @, a tab or a carriage return first) gets a leading apostrophe, so a name a partner chose
     * cannot execute in an auditor's spreadsheet (OWASP CSV injection).
     */
    static String record(List<String> fields) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            String field = fields.get(i) == null ? "" : fields.get(i);
            if (!field.isEmpty() && "=+-@\t\r".indexOf(field.charAt(0)) >= 0) {
                field = "'" + field;
            }
            if (field.contains(",") || field.contains("\"") || field.contains("\n") || field.contains("\r")) {
                field = "\"" + field.replace("\"", "\"\"") + "\"";
            }
            out.append(i == 0 ? "" : ",").append(field);
        }
        return out.append("\r\n").toString();
    }
}
