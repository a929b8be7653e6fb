package io.flumesentinel.history;

import java.util.List;

/**
 * One page of the history, newest first.
 *
 * @param total how many records match the query's filters, on every page
 * @param next where the next page starts, or {@code null} when this is the last
 */
public record HistoryPage(List<HistoryRecord> records, long total, HistoryQuery.Cursor next) {

  public HistoryPage {
    records = List.copyOf(records);
  }
}
