package dev.portcullis.testsupport;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;

/** Where a database still holds a piece of personal data: every text, JSON and array column of every table, searched in any case. */
public final class PersonalDataScan {

    private PersonalDataScan() {
    }

    /** The columns ({@code table.column}) that hold {@code needle} in some row, with the number of rows. */
    public static List<String> holding(DataSource database, String needle) throws SQLException {
        try (Connection connection = database.getConnection()) {
            return holding(connection, needle);
        }
    }

    public static List<String> holding(Connection connection, String needle) throws SQLException {
        List<String[]> columns = new ArrayList<>();
        try (PreparedStatement list = connection.prepareStatement("select table_name, column_name from information_schema.columns"
                + " where table_schema = 'public' and data_type in ('character varying', 'text', 'jsonb', 'json', 'ARRAY', 'character')");
                ResultSet r = list.executeQuery()) {
            while (r.next()) {
                columns.add(new String[] {r.getString(1), r.getString(2)});
            }
        }
        List<String> found = new ArrayList<>();
        for (String[] column : columns) {
            try (PreparedStatement count = connection.prepareStatement("select count(*) from \"" + column[0] + "\" where strpos(lower(\"" + column[1]
                    + "\"::text), ?) > 0")) {
                count.setString(1, needle.toLowerCase(Locale.ROOT));
                try (ResultSet r = count.executeQuery()) {
                    r.next();
                    if (r.getLong(1) > 0) {
                        found.add(column[0] + "." + column[1] + " (" + r.getLong(1) + " rows)");
                    }
                }
            }
        }
        return found;
    }
}
