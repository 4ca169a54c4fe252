//! A work list as an xlsx workbook: the rows an owner must act on, one sheet
//! per group (a ward, or the members set aside), a legend and a sheet that says
//! whose list it is.
//!
//! The caller hands columns of text with their headers, which sheet each row
//! goes on, and the other sheets' names; this module only lays them out. Every
//! value is written as a string cell, never through a writer that guesses the
//! type: a value that starts with "=" stays text and can never run as a formula
//! when the file is opened. A date column is written as the engine reads it,
//! dd/mm/yyyy, still as text; a value it cannot read stays as typed. The file
//! holds personal data, so it is readable and writable by its owner only.
//!
//! Layout: the rows grouped by their sheet, the groups in the order they first
//! appear, each as a table (bold header row with an autofilter, frozen under
//! the header), on numbered sheets of `sheet_rows` rows each when longer; the
//! legend likewise on its own sheet; then the information sheet, a label and a
//! value a row. Sheet names are made valid for Excel (`sheet_names`). Column
//! widths follow the longest value, within bounds.

pub mod sheet_names;

use std::path::Path;

use rust_xlsxwriter::{ColNum, Format, RowNum, Workbook, Worksheet, XlsxError};
use rustc_hash::FxHashMap;

use crate::private_file;
use crate::records::StrSource;
use crate::values::parse_date;
pub use sheet_names::{SheetNames, MAX_SHEET_NAME_CHARS};

/// Excel's longest cell text, in characters; longer values are cut there.
pub const MAX_CELL_CHARS: usize = 32_767;
/// The most rows a sheet holds, its header included.
pub const MAX_SHEET_ROWS: usize = 1_048_576;
/// Column widths, in characters: never narrower or wider than this.
const MIN_WIDTH: f64 = 6.0;
const MAX_WIDTH: f64 = 60.0;
/// Rows read to size a column: enough to see the usual values, cheap on a long list.
const ROWS_SIZED: usize = 20_000;
/// A date as written: dd/mm/yyyy.
const DATE_CHARS: usize = 10;

/// Columns of text under their headers, all of one length.
pub struct TextTable<'a> {
    pub headers: Vec<&'a str>,
    pub columns: Vec<&'a dyn StrSource>,
    /// The positions of the columns that hold dates.
    pub dates: Vec<usize>,
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
    pub rows: TextTable<'a>,
    /// The sheet each row goes on, one value a row: a sheet for each value, in
    /// the order the values first appear (the caller sorts the rows).
    pub sheet_of_row: &'a dyn StrSource,
    /// The sheet of rows whose `sheet_of_row` is empty, and the one an empty
    /// list shows its headers on.
    pub rows_sheet: &'a str,
    /// Data rows a sheet holds before the group continues on a numbered sheet.
    pub sheet_rows: usize,
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
    #[error("date column {0} is not a column of the table")]
    DateColumn(usize),
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
    let rows = list.rows.rows();
    if list.sheet_of_row.len() != rows {
        return Err(WorklistError::ColumnLength { header: "sheet".into(), len: list.sheet_of_row.len(), rows });
    }
    if list.sheet_rows == 0 || list.sheet_rows >= MAX_SHEET_ROWS {
        return Err(WorklistError::SheetRows(list.sheet_rows));
    }
    let mut names = SheetNames::default();
    let legend_name = names.name(list.legend_sheet, "");
    let info_name = names.name(list.info_sheet, "");
    let header = Format::new().set_bold();
    let mut workbook = Workbook::new();
    let groups = groups(list.sheet_of_row, list.rows_sheet);
    if groups.is_empty() {
        let name = names.name(list.rows_sheet, "");
        table_sheet(workbook.add_worksheet(), &name, &header, &list.rows, &[])?;
    }
    for (key, members) in &groups {
        if members.len() <= list.sheet_rows {
            let name = names.name(key, "");
            table_sheet(workbook.add_worksheet(), &name, &header, &list.rows, members)?;
            continue;
        }
        for (part, chunk) in members.chunks(list.sheet_rows).enumerate() {
            let name = names.name(key, &format!(" {}", part + 1));
            table_sheet(workbook.add_worksheet(), &name, &header, &list.rows, chunk)?;
        }
    }
    let legend_rows: Vec<u32> = (0..list.legend.rows() as u32).collect();
    table_sheet(workbook.add_worksheet(), &legend_name, &header, &list.legend, &legend_rows)?;
    let info = workbook.add_worksheet().set_name(&info_name)?;
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
    if let Some(&bad) = table.dates.iter().find(|&&c| c >= table.columns.len()) {
        return Err(WorklistError::DateColumn(bad));
    }
    Ok(())
}

/// The rows of each sheet, the sheets in the order their key first appears; a
/// row with no key goes under `blank`.
fn groups<'a>(sheet_of_row: &'a dyn StrSource, blank: &'a str) -> Vec<(&'a str, Vec<u32>)> {
    let mut place: FxHashMap<&str, usize> = FxHashMap::default();
    let mut groups: Vec<(&str, Vec<u32>)> = Vec::new();
    for row in 0..sheet_of_row.len() {
        let key = sheet_of_row.get(row).map(str::trim).filter(|k| !k.is_empty()).unwrap_or(blank);
        let at = *place.entry(key).or_insert_with(|| {
            groups.push((key, Vec::new()));
            groups.len() - 1
        });
        groups[at].1.push(row as u32);
    }
    groups
}

/// The rows `rows` of `table` on `sheet` named `name`: a bold header row with
/// an autofilter over the rows, frozen, and the values below it as text. An
/// empty table still gets its header row.
fn table_sheet(
    sheet: &mut Worksheet,
    name: &str,
    header: &Format,
    table: &TextTable<'_>,
    rows: &[u32],
) -> Result<(), WorklistError> {
    sheet.set_name(name)?;
    let mut is_date = vec![false; table.columns.len()];
    for &c in &table.dates {
        is_date[c] = true;
    }
    let mut date = String::with_capacity(DATE_CHARS);
    for (c, column) in table.columns.iter().enumerate() {
        let col = c as ColNum;
        sheet.write_string_with_format(0, col, table.headers[c], header)?;
        sheet.set_column_width(col, width(table.headers[c], *column, rows, is_date[c]))?;
        for (r, &i) in rows.iter().enumerate() {
            let Some(value) = column.get(i as usize) else { continue };
            let text = if is_date[c] { date_text(value, &mut date) } else { value };
            sheet.write_string(r as RowNum + 1, col, cell_text(text))?;
        }
    }
    if !table.columns.is_empty() {
        let last_col = (table.columns.len() - 1) as ColNum;
        sheet.autofilter(0, 0, rows.len().max(1) as RowNum, last_col)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// A date as dd/mm/yyyy (or mm/yyyy, yyyy where only that is known) when the
/// engine reads it, else the value as typed.
fn date_text<'a>(value: &'a str, buf: &'a mut String) -> &'a str {
    match parse_date(value) {
        Ok(Some(date)) => {
            buf.clear();
            date.write(buf);
            buf
        }
        _ => value,
    }
}

/// `value` within Excel's cell limit.
fn cell_text(value: &str) -> &str {
    match value.char_indices().nth(MAX_CELL_CHARS) {
        Some((cut, _)) => &value[..cut],
        None => value,
    }
}

/// A width that shows the header and the longest of the first values read (a
/// date column's values as written).
fn width(header: &str, column: &dyn StrSource, rows: &[u32], dates: bool) -> f64 {
    let sized = &rows[..rows.len().min(ROWS_SIZED)];
    let longest = if dates && !sized.is_empty() {
        DATE_CHARS
    } else {
        sized.iter().filter_map(|&i| column.get(i as usize)).map(|v| v.chars().count()).max().unwrap_or(0)
    };
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

    fn list<'a>(rows: &'a [&'a StrColumn], sheets: &'a StrColumn, sheet_rows: usize) -> WorkList<'a> {
        let headers = ["a", "b", "c"][..rows.len()].to_vec();
        WorkList {
            rows: TextTable { headers, columns: rows.iter().map(|c| *c as &dyn StrSource).collect(), dates: vec![] },
            sheet_of_row: sheets,
            rows_sheet: "rows",
            sheet_rows,
            legend_sheet: "legend",
            legend: TextTable { headers: vec![], columns: vec![], dates: vec![] },
            info_sheet: "info",
            info: vec![("count", InfoValue::Number(2.0)), ("owner", InfoValue::Text("=x"))],
        }
    }

    fn temp(name: &str) -> std::path::PathBuf {
        std::env::temp_dir().join(format!("doichieu-worklist-{}-{name}.xlsx", std::process::id()))
    }

    #[test]
    fn writes_a_zip_with_formula_like_text_readable_by_its_owner_only() {
        let a = column(&[Some("=1+1"), None, Some("x")]);
        let b = column(&[Some(""), Some("x"), Some("y")]);
        let sheets = column(&[Some("Phường A"), Some("Phường B"), None]);
        let path = temp("ok");
        std::fs::write(&path, b"old").unwrap();
        write(&path, &list(&[&a, &b], &sheets, 1)).unwrap();
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
        let sheets = column(&[Some("s"), Some("s")]);
        let path = temp("bad");
        assert!(matches!(
            write(&path, &list(&[&a, &b], &sheets, 5)),
            Err(WorklistError::ColumnLength { len: 1, rows: 2, .. })
        ));
        assert!(matches!(write(&path, &list(&[&a], &b, 5)), Err(WorklistError::ColumnLength { len: 1, rows: 2, .. })));
        assert!(matches!(write(&path, &list(&[&a], &sheets, 0)), Err(WorklistError::SheetRows(0))));
        assert!(matches!(write(&path, &list(&[&a], &sheets, MAX_SHEET_ROWS)), Err(WorklistError::SheetRows(_))));
        let one = [&a];
        let mut headers_short = list(&one, &sheets, 5);
        headers_short.rows.headers.clear();
        assert!(matches!(write(&path, &headers_short), Err(WorklistError::HeaderCount { headers: 0, columns: 1 })));
        let mut bad_date = list(&one, &sheets, 5);
        bad_date.rows.dates = vec![1];
        assert!(matches!(write(&path, &bad_date), Err(WorklistError::DateColumn(1))));
        assert!(!path.exists());
    }

    #[test]
    fn a_missing_folder_is_an_io_error() {
        let a = column(&[Some("x")]);
        let path = std::env::temp_dir().join("doichieu-no-such-folder").join("x.xlsx");
        assert!(matches!(write(&path, &list(&[&a], &a, 5)), Err(WorklistError::Io(_))));
    }

    #[test]
    fn rows_are_grouped_by_sheet_in_the_order_keys_first_appear() {
        let keys = column(&[Some("Phường B"), Some("Phường A"), None, Some("Phường B"), Some(" "), Some("Phường A")]);
        let got = groups(&keys, "none");
        assert_eq!(got, vec![("Phường B", vec![0, 3]), ("Phường A", vec![1, 5]), ("none", vec![2, 4])]);
        assert!(groups(&column(&[]), "none").is_empty());
    }

    #[test]
    fn dates_are_written_as_the_engine_reads_them_else_as_typed() {
        let mut buf = String::new();
        assert_eq!(date_text("1950-01-01 00:00:00", &mut buf), "01/01/1950");
        assert_eq!(date_text("5/3/1960", &mut buf), "05/03/1960");
        assert_eq!(date_text("19600305", &mut buf), "05/03/1960");
        assert_eq!(date_text("03/1950", &mut buf), "03/1950");
        assert_eq!(date_text("không rõ", &mut buf), "không rõ");
        assert_eq!(date_text("", &mut buf), "");
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
        assert_eq!(width("h", &c, &[0], false), MIN_WIDTH);
        assert_eq!(width("h", &c, &[0, 1, 2], false), MAX_WIDTH);
        assert_eq!(width("a long header", &c, &[0], false), 17.0);
        assert_eq!(width("h", &c, &[1], true), (DATE_CHARS + 1) as f64);
    }
}
