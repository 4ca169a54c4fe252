//! A work list as an xlsx workbook: the rows an owner must act on, a legend
//! and a sheet that says whose list it is.
//!
//! The caller hands columns of text with their headers and the sheet names;
//! this module only lays them out. Every value is written as a string cell,
//! never through a writer that guesses the type: a value that starts with "="
//! stays text and can never run as a formula when the file is opened.
//!
//! Layout: the rows as a table (header row, autofilter, frozen under the
//! header) on one sheet, or on numbered sheets of `sheet_rows` rows each when
//! longer; the legend as a table on its own sheet; then the information sheet,
//! a label and a value a row. Column widths follow the longest value, within
//! bounds.

use std::path::Path;

use rust_xlsxwriter::{ColNum, RowNum, Table, TableColumn, Workbook, Worksheet, XlsxError};

use crate::private_file;
use crate::records::StrSource;

/// Excel's longest cell text, in characters; longer values are cut there.
pub const MAX_CELL_CHARS: usize = 32_767;
/// The most rows a sheet holds, its header included.
pub const MAX_SHEET_ROWS: usize = 1_048_576;
/// Column widths, in characters: never narrower or wider than this.
const MIN_WIDTH: f64 = 6.0;
const MAX_WIDTH: f64 = 60.0;
/// Rows read to size a column: enough to see the usual values, cheap on a long list.
const ROWS_SIZED: usize = 20_000;

/// Columns of text under their headers, all of one length.
pub struct TextTable<'a> {
    pub headers: Vec<&'a str>,
    pub columns: Vec<&'a dyn StrSource>,
}

impl TextTable<'_> {
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, |c| c.len())
    }
}

/// A value on the information sheet.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum InfoValue<'a> {
    Text(&'a str),
    Number(f64),
}

/// A whole workbook: where each part goes and what it holds.
pub struct WorkList<'a> {
    /// Name of the rows' sheet; when they need several, " 1", " 2", … follow it.
    pub rows_sheet: &'a str,
    /// Data rows a sheet holds before the next one starts.
    pub sheet_rows: usize,
    pub rows: TextTable<'a>,
    pub legend_sheet: &'a str,
    pub legend: TextTable<'a>,
    pub info_sheet: &'a str,
    pub info: Vec<(&'a str, InfoValue<'a>)>,
}

#[derive(Debug, thiserror::Error)]
pub enum WorklistError {
    #[error("table has {headers} headers and {columns} columns")]
    HeaderCount { headers: usize, columns: usize },
    #[error("column {header:?} has {len} values, the table {rows}")]
    ColumnLength { header: String, len: usize, rows: usize },
    #[error("{0} rows a sheet is not between 1 and {max}", max = MAX_SHEET_ROWS - 1)]
    SheetRows(usize),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("xlsx: {0}")]
    Xlsx(XlsxError),
}

impl From<XlsxError> for WorklistError {
    fn from(e: XlsxError) -> Self {
        match e {
            XlsxError::IoError(io) => WorklistError::Io(io),
            other => WorklistError::Xlsx(other),
        }
    }
}

/// Writes `list` to `path`: the file is replaced as a whole, and readable by its
/// owner only (`crate::private_file`), for it names members.
pub fn write(path: &Path, list: &WorkList<'_>) -> Result<(), WorklistError> {
    check(&list.rows)?;
    check(&list.legend)?;
    if list.sheet_rows == 0 || list.sheet_rows >= MAX_SHEET_ROWS {
        return Err(WorklistError::SheetRows(list.sheet_rows));
    }
    let mut workbook = Workbook::new();
    let rows = list.rows.rows();
    if rows <= list.sheet_rows {
        table_sheet(workbook.add_worksheet(), list.rows_sheet, &list.rows, 0..rows)?;
    } else {
        for (part, start) in (0..rows).step_by(list.sheet_rows).enumerate() {
            let name = format!("{} {}", list.rows_sheet, part + 1);
            table_sheet(workbook.add_worksheet(), &name, &list.rows, start..rows.min(start + list.sheet_rows))?;
        }
    }
    table_sheet(workbook.add_worksheet(), list.legend_sheet, &list.legend, 0..list.legend.rows())?;
    let info = workbook.add_worksheet().set_name(list.info_sheet)?;
    for (i, (label, value)) in list.info.iter().enumerate() {
        let row = i as RowNum;
        info.write_string(row, 0, *label)?;
        match value {
            InfoValue::Text(text) => info.write_string(row, 1, cell_text(text))?,
            InfoValue::Number(n) => info.write_number(row, 1, *n)?,
        };
    }
    private_file::replace(path, |file| workbook.save_to_writer(file).map_err(WorklistError::from))
}

fn check(table: &TextTable<'_>) -> Result<(), WorklistError> {
    if table.headers.len() != table.columns.len() {
        return Err(WorklistError::HeaderCount { headers: table.headers.len(), columns: table.columns.len() });
    }
    let rows = table.rows();
    for (header, column) in table.headers.iter().zip(&table.columns) {
        if column.len() != rows {
            return Err(WorklistError::ColumnLength { header: header.to_string(), len: column.len(), rows });
        }
    }
    Ok(())
}

/// Rows `rows` of `table` on `sheet` named `name`: a header row, the values
/// below it as text, an Excel table over them (with its autofilter), the
/// header frozen. An empty table still gets its header row.
fn table_sheet(
    sheet: &mut Worksheet,
    name: &str,
    table: &TextTable<'_>,
    rows: std::ops::Range<usize>,
) -> Result<(), WorklistError> {
    sheet.set_name(name)?;
    let last_col = table.columns.len().saturating_sub(1) as ColNum;
    // An Excel table needs a data row; an empty list shows one blank row, as Excel does.
    let last_row = rows.len().max(1) as RowNum;
    let columns: Vec<TableColumn> = table.headers.iter().map(|h| TableColumn::new().set_header(*h)).collect();
    if !columns.is_empty() {
        sheet.add_table(0, 0, last_row, last_col, &Table::new().set_columns(&columns))?;
    }
    for (c, column) in table.columns.iter().enumerate() {
        sheet.set_column_width(c as ColNum, width(table.headers[c], *column, rows.clone()))?;
    }
    for (r, i) in rows.clone().enumerate() {
        for (c, column) in table.columns.iter().enumerate() {
            if let Some(value) = column.get(i) {
                sheet.write_string(r as RowNum + 1, c as ColNum, cell_text(value))?;
            }
        }
    }
    if !rows.is_empty() {
        sheet.set_freeze_panes(1, 0)?;
    }
    Ok(())
}

/// `value` within Excel's cell limit.
fn cell_text(value: &str) -> &str {
    match value.char_indices().nth(MAX_CELL_CHARS) {
        Some((cut, _)) => &value[..cut],
        None => value,
    }
}

/// A width that shows the header and the longest of the first values read.
fn width(header: &str, column: &dyn StrSource, rows: std::ops::Range<usize>) -> f64 {
    let sized = rows.start..rows.end.min(rows.start + ROWS_SIZED);
    let longest = sized.filter_map(|i| column.get(i)).map(|v| v.chars().count()).max().unwrap_or(0);
    // The header cell carries the autofilter button.
    let chars = longest.max(header.chars().count() + 3);
    (chars as f64 + 1.0).clamp(MIN_WIDTH, MAX_WIDTH)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::StrColumn;

    fn column(values: &[Option<&str>]) -> StrColumn {
        let mut c = StrColumn::with_capacity(values.len(), 0);
        for v in values {
            match v {
                Some(v) => {
                    c.data.push_str(v);
                    c.finish_value();
                }
                None => c.push_null(),
            }
        }
        c
    }

    fn list<'a>(rows: &'a [&'a StrColumn], sheet_rows: usize) -> WorkList<'a> {
        let headers = ["a", "b", "c"][..rows.len()].to_vec();
        WorkList {
            rows_sheet: "rows",
            sheet_rows,
            rows: TextTable { headers, columns: rows.iter().map(|c| *c as &dyn StrSource).collect() },
            legend_sheet: "legend",
            legend: TextTable { headers: vec![], columns: vec![] },
            info_sheet: "info",
            info: vec![("count", InfoValue::Number(2.0)), ("owner", InfoValue::Text("=x"))],
        }
    }

    fn temp(name: &str) -> std::path::PathBuf {
        std::env::temp_dir().join(format!("doichieu-worklist-{}-{name}.xlsx", std::process::id()))
    }

    #[test]
    fn writes_a_zip_with_formula_like_text() {
        let a = column(&[Some("=1+1"), None]);
        let b = column(&[Some(""), Some("x")]);
        let path = temp("ok");
        write(&path, &list(&[&a, &b], 1)).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        #[cfg(unix)]
        {
            // A work list names members: its owner alone may read it, whatever the umask.
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, crate::private_file::FILE_MODE);
        }
        std::fs::remove_file(&path).unwrap();
        assert_eq!(&bytes[..2], b"PK");
    }

    #[test]
    fn refuses_columns_of_different_lengths_and_bad_sheet_sizes() {
        let a = column(&[Some("x"), Some("y")]);
        let b = column(&[Some("z")]);
        let path = temp("bad");
        assert!(matches!(write(&path, &list(&[&a, &b], 5)), Err(WorklistError::ColumnLength { len: 1, rows: 2, .. })));
        assert!(matches!(write(&path, &list(&[&a], 0)), Err(WorklistError::SheetRows(0))));
        assert!(matches!(write(&path, &list(&[&a], MAX_SHEET_ROWS)), Err(WorklistError::SheetRows(_))));
        let one = [&a];
        let mut headers_short = list(&one, 5);
        headers_short.rows.headers.clear();
        assert!(matches!(write(&path, &headers_short), Err(WorklistError::HeaderCount { headers: 0, columns: 1 })));
        assert!(!path.exists());
    }

    #[test]
    fn a_missing_folder_is_an_io_error() {
        let a = column(&[Some("x")]);
        let path = std::env::temp_dir().join("doichieu-no-such-folder").join("x.xlsx");
        assert!(matches!(write(&path, &list(&[&a], 5)), Err(WorklistError::Io(_))));
    }

    #[test]
    fn long_text_is_cut_at_excels_limit_on_a_character_boundary() {
        let long = "ế".repeat(MAX_CELL_CHARS + 5);
        assert_eq!(cell_text(&long).chars().count(), MAX_CELL_CHARS);
        assert_eq!(cell_text("short"), "short");
    }

    #[test]
    fn widths_follow_the_longest_value_within_bounds() {
        let c = column(&[Some("ab"), Some(&"x".repeat(200)), None]);
        assert_eq!(width("h", &c, 0..1), MIN_WIDTH);
        assert_eq!(width("h", &c, 0..3), MAX_WIDTH);
        assert_eq!(width("a long header", &c, 0..1), 17.0);
    }
}
