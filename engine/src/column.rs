//! A column of optional strings in one buffer, shaped like an Arrow large-string
//! array so the bindings hand it to Arrow without copying.

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StrColumn {
    /// All values back to back.
    pub data: String,
    /// `offsets[i]..offsets[i + 1]` is value `i`; one more entry than values.
    pub offsets: Vec<i64>,
    /// `None` when every value is present.
    pub validity: Option<Vec<bool>>,
}

impl StrColumn {
    pub fn with_capacity(values: usize, bytes: usize) -> Self {
        let mut offsets = Vec::with_capacity(values + 1);
        offsets.push(0);
        StrColumn { data: String::with_capacity(bytes), offsets, validity: None }
    }

    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Closes the value written into `data` since the last call.
    pub fn finish_value(&mut self) {
        self.offsets.push(self.data.len() as i64);
        if let Some(v) = &mut self.validity {
            v.push(true);
        }
    }

    pub fn push_null(&mut self) {
        let n = self.len();
        self.validity.get_or_insert_with(|| vec![true; n]).push(false);
        self.offsets.push(self.data.len() as i64);
    }

    pub fn get(&self, i: usize) -> Option<&str> {
        if self.validity.as_ref().is_some_and(|v| !v[i]) {
            return None;
        }
        Some(&self.data[self.offsets[i] as usize..self.offsets[i + 1] as usize])
    }

    /// Appends another column (used to stitch the chunks workers produced).
    pub fn extend(&mut self, other: &StrColumn) {
        let base = self.data.len() as i64;
        let n = self.len();
        self.data.push_str(&other.data);
        self.offsets.extend(other.offsets[1..].iter().map(|o| o + base));
        match (&mut self.validity, &other.validity) {
            (None, None) => {}
            (Some(v), None) => v.extend(std::iter::repeat(true).take(other.len())),
            (mine, Some(theirs)) => {
                mine.get_or_insert_with(|| vec![true; n]).extend_from_slice(theirs);
            }
        }
    }
}
