//! A trained model kept on disk, so that a province can reuse the model its data
//! team checked instead of training again on every run (docs/dedup.md).
//!
//! The file is JSON: a format name, a format version, and m and u for every level
//! of every field, keyed by the field's and the level's names (written in this
//! build's order, read in any). A file whose format, version or set of fields and
//! levels differs is refused as a whole: a model read against other levels would
//! score every pair wrongly without a word.

use std::fmt;
use std::fs::File;
use std::io::{self, Read, Write};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::levels::FIELDS;
use super::Model;
use crate::private_file;

/// What the `format` key of every model file says.
pub const FORMAT: &str = "doichieu.dedup-model";

/// The format version this build writes and reads. Bump it whenever a level
/// changes meaning without changing its name, or the scoring reads m, u or λ
/// differently: a model trained before would still match the layout, and be misread.
pub const VERSION: u32 = 1;

/// A model is a few kilobytes; a file much larger is not one.
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// How far a field's m or u may sum away from 1 (each level is floored at 1e-6).
const SUM_TOLERANCE: f64 = 1e-3;

#[derive(Debug, thiserror::Error)]
pub enum ModelFileError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("not a doichieu duplicate model: {0}")]
    NotAModel(String),
    #[error(
        "a duplicate model of format version {found}; this build reads version {VERSION}: \
         train the model again (doichieu dedupe --save-model)"
    )]
    Version { found: u64 },
    #[error("the duplicate model was trained by a build with other fields or levels ({0}): train the model again")]
    Layout(String),
    #[error("the duplicate model holds an impossible value: {0}")]
    Value(String),
}

impl ModelFileError {
    fn io(path: &Path) -> impl FnOnce(io::Error) -> ModelFileError + '_ {
        move |source| ModelFileError::Io { path: path.to_path_buf(), source }
    }
}

/// The file's contents. `fields` holds, per field, each level's `[m, u]`.
#[derive(Debug, Serialize, Deserialize)]
struct Document {
    format: String,
    version: u32,
    /// The build that trained the model, for whoever reads the file; not checked.
    #[serde(default)]
    written_by: String,
    lambda: f64,
    em_iterations: usize,
    fields: Ordered<Ordered<[f64; 2]>>,
}

/// The two keys read before anything else, so that a file of another format or
/// version is named as such rather than failing on a key it lacks.
#[derive(Deserialize)]
struct Header {
    format: Option<serde_json::Value>,
    version: Option<serde_json::Value>,
}

/// A JSON object kept in its written order (fields and levels read most similar
/// first), with a repeated key refused rather than silently overwritten.
#[derive(Debug)]
struct Ordered<V>(Vec<(String, V)>);

impl<V: Serialize> Serialize for Ordered<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Ordered<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OrderedVisitor<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for OrderedVisitor<V> {
            type Value = Ordered<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut entries: Vec<(String, V)> = Vec::new();
                while let Some((key, value)) = access.next_entry::<String, V>()? {
                    if entries.iter().any(|(k, _)| *k == key) {
                        return Err(serde::de::Error::custom(format!("key {key:?} appears twice")));
                    }
                    entries.push((key, value));
                }
                Ok(Ordered(entries))
            }
        }
        deserializer.deserialize_map(OrderedVisitor(PhantomData))
    }
}

impl Model {
    /// The model as the JSON text of a model file.
    pub fn to_json(&self) -> String {
        let fields = FIELDS
            .iter()
            .map(|f| {
                let i = f.index();
                let levels =
                    f.levels().iter().enumerate().map(|(l, name)| (name.to_string(), [self.m[i][l], self.u[i][l]]));
                (f.as_str().to_string(), Ordered(levels.collect()))
            })
            .collect();
        let document = Document {
            format: FORMAT.to_string(),
            version: VERSION,
            written_by: concat!("doichieu-engine ", env!("CARGO_PKG_VERSION")).to_string(),
            lambda: self.lambda,
            em_iterations: self.iterations,
            fields: Ordered(fields),
        };
        let mut text = serde_json::to_string_pretty(&document).expect("a model of finite numbers serialises");
        text.push('\n');
        text
    }

    /// A model from the JSON text of a model file, refused unless its format,
    /// version and field layout are this build's and every number is a probability.
    pub fn from_json(text: &str) -> Result<Model, ModelFileError> {
        let not_a_model = |e: serde_json::Error| ModelFileError::NotAModel(e.to_string());
        let header: Header = serde_json::from_str(text).map_err(not_a_model)?;
        match header.format.as_ref().and_then(|f| f.as_str()) {
            Some(FORMAT) => {}
            Some(other) => return Err(ModelFileError::NotAModel(format!("its format is {other:?}, not {FORMAT:?}"))),
            None => return Err(ModelFileError::NotAModel(format!("it has no \"format\": {FORMAT:?}"))),
        }
        match header.version.as_ref().map(|v| v.as_u64()) {
            Some(Some(v)) if v == u64::from(VERSION) => {}
            Some(Some(found)) => return Err(ModelFileError::Version { found }),
            _ => return Err(ModelFileError::NotAModel("its \"version\" is missing or not a whole number".into())),
        }
        let document: Document = serde_json::from_str(text).map_err(not_a_model)?;
        document.into_model()
    }

    /// Writes the model to `path`, readable and writable by its owner only, through
    /// a temporary file renamed into place (`crate::private_file`): a reader sees
    /// the old file or the new one, never half of one.
    pub fn save(&self, path: &Path) -> Result<(), ModelFileError> {
        let text = self.to_json();
        private_file::replace(path, |file| file.write_all(text.as_bytes()))
            .map_err(|source| ModelFileError::Io { path: path.to_path_buf(), source })
    }

    /// Reads a model written by `save` (or by hand in the same format).
    pub fn load(path: &Path) -> Result<Model, ModelFileError> {
        let file = File::open(path).map_err(ModelFileError::io(path))?;
        let mut bytes = Vec::new();
        file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(ModelFileError::io(path))?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(ModelFileError::NotAModel(format!(
                "the file is larger than {MAX_FILE_BYTES} bytes; a model is a few kilobytes"
            )));
        }
        let text = String::from_utf8(bytes).map_err(|_| ModelFileError::NotAModel("the file is not UTF-8".into()))?;
        Model::from_json(&text)
    }
}

impl<V> Ordered<V> {
    fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Refuses keys other than `expected` (in any order: a tool that sorted the
    /// file's keys has not changed the model).
    fn check_keys(&self, expected: &[&str], what: &str) -> Result<(), ModelFileError> {
        let missing: Vec<&str> = expected.iter().copied().filter(|k| self.get(k).is_none()).collect();
        let unknown: Vec<&str> = self.0.iter().map(|(k, _)| k.as_str()).filter(|k| !expected.contains(k)).collect();
        if missing.is_empty() && unknown.is_empty() {
            return Ok(());
        }
        Err(ModelFileError::Layout(format!(
            "{what}: missing {missing:?}, unknown {unknown:?}; this build's are {expected:?}"
        )))
    }
}

impl Document {
    fn into_model(self) -> Result<Model, ModelFileError> {
        let names: Vec<&str> = FIELDS.iter().map(|f| f.as_str()).collect();
        self.fields.check_keys(&names, "fields")?;
        let mut m = Vec::with_capacity(FIELDS.len());
        let mut u = Vec::with_capacity(FIELDS.len());
        for f in FIELDS {
            let name = f.as_str();
            let levels = self.fields.get(name).expect("checked above");
            levels.check_keys(f.levels(), &format!("levels of {name}"))?;
            for (which, column) in [("m", 0), ("u", 1)] {
                let mut values = Vec::with_capacity(f.levels().len());
                for level in f.levels() {
                    let v = levels.get(level).expect("checked above")[column];
                    if !(v.is_finite() && v > 0.0 && v <= 1.0) {
                        return Err(ModelFileError::Value(format!("{which} of {name}={level} is {v}")));
                    }
                    values.push(v);
                }
                let sum: f64 = values.iter().sum();
                if (sum - 1.0).abs() > SUM_TOLERANCE {
                    return Err(ModelFileError::Value(format!("{which} of {name} sums to {sum}, not 1")));
                }
                if column == 0 {
                    m.push(values)
                } else {
                    u.push(values)
                }
            }
        }
        if !(self.lambda.is_finite() && self.lambda > 0.0 && self.lambda < 1.0) {
            return Err(ModelFileError::Value(format!("lambda is {}", self.lambda)));
        }
        Ok(Model { m, u, lambda: self.lambda, iterations: self.em_iterations })
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;
    use rustc_hash::FxHashMap;

    /// A model that is not the prior: u and λ moved, m learned a little.
    fn trained() -> Model {
        let same = [Some(0), Some(0), Some(0), Some(0), Some(0), None, Some(0), Some(0)];
        let strangers = [Some(7), Some(3), Some(1), Some(1), Some(2), None, Some(2), Some(3)];
        let mut counts = FxHashMap::default();
        counts.insert(same, 300);
        counts.insert(strangers, 30_000);
        let mut model = Model::prior();
        model.estimate_u(&vec![strangers; 500]);
        model.train_m(&counts, &FIELDS, 20);
        model.lambda = 3.7e-7;
        model
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("doichieu-model-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn json_round_trip_is_exact() {
        let model = trained();
        let back = Model::from_json(&model.to_json()).unwrap();
        assert_eq!(back, model);
        // Keys sorted by another tool: the same model.
        assert_eq!(edited(|_| ()).unwrap(), model);
        for f in FIELDS {
            for l in 0..f.levels().len() as u8 {
                assert_eq!(back.weight(f, l, None).to_bits(), model.weight(f, l, None).to_bits());
            }
        }
    }

    #[test]
    fn the_file_names_its_format_version_and_layout() {
        let text = trained().to_json();
        assert!(text.contains(&format!("\"format\": \"{FORMAT}\"")));
        assert!(text.contains(&format!("\"version\": {VERSION}")));
        // Fields and levels in this build's order, most similar level first.
        let name = text.find("\"name\"").unwrap();
        let admission = text.find("\"admission_date\"").unwrap();
        assert!(name < admission && text.find("\"same_name\"").unwrap() < text.find("\"different\"").unwrap());
    }

    #[test]
    fn save_is_private_and_load_reads_it_back() {
        let dir = temp_dir("save");
        let path = dir.join("model.json");
        fs::write(&path, "old contents").unwrap();
        let model = trained();
        model.save(&path).unwrap();
        assert_eq!(Model::load(&path).unwrap(), model);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        // Nothing left behind but the model itself.
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_file_is_an_io_error_naming_it() {
        let err = Model::load(Path::new("/nonexistent/doichieu/model.json")).unwrap_err();
        assert!(matches!(&err, ModelFileError::Io { source, .. } if source.kind() == io::ErrorKind::NotFound));
        assert!(err.to_string().contains("/nonexistent/doichieu/model.json"));
    }

    fn edited(edit: impl FnOnce(&mut serde_json::Value)) -> Result<Model, ModelFileError> {
        let mut value: serde_json::Value = serde_json::from_str(&trained().to_json()).unwrap();
        edit(&mut value);
        Model::from_json(&value.to_string())
    }

    #[test]
    fn foreign_and_corrupt_files_are_refused_by_name() {
        let err = Model::from_json("{\"format\": \"splink\", \"version\": 1}").unwrap_err();
        assert!(err.to_string().contains("not a doichieu duplicate model: its format is \"splink\""), "{err}");
        let err = Model::from_json("[1, 2, 3]").unwrap_err();
        assert!(matches!(err, ModelFileError::NotAModel(_)), "{err}");
        let text = trained().to_json();
        let err = Model::from_json(&text[..text.len() / 2]).unwrap_err();
        assert!(matches!(err, ModelFileError::NotAModel(_)), "{err}");
        let err = edited(|v| v["fields"]["gender"]["agree"] = serde_json::json!([0.5])).unwrap_err();
        assert!(matches!(err, ModelFileError::NotAModel(_)), "{err}");
    }

    #[test]
    fn another_version_is_refused_with_the_one_this_build_reads() {
        let err = edited(|v| v["version"] = serde_json::json!(0)).unwrap_err();
        assert!(matches!(err, ModelFileError::Version { found: 0 }));
        assert!(err.to_string().contains(&format!("format version 0; this build reads version {VERSION}")), "{err}");
        // A later version is refused before its (unknown) contents are read.
        let err = Model::from_json("{\"format\": \"doichieu.dedup-model\", \"version\": 2, \"weights\": []}");
        assert!(matches!(err, Err(ModelFileError::Version { found: 2 })));
    }

    #[test]
    fn another_layout_is_refused() {
        let err = edited(|v| {
            v["fields"].as_object_mut().unwrap().remove("party_card");
        })
        .unwrap_err();
        assert!(matches!(&err, ModelFileError::Layout(d) if d.contains("missing [\"party_card\"]")), "{err}");
        let err = edited(|v| {
            let gender = v["fields"]["gender"].as_object_mut().unwrap();
            let agree = gender.remove("agree").unwrap();
            gender.insert("same".into(), agree);
        })
        .unwrap_err();
        assert!(
            matches!(&err, ModelFileError::Layout(d) if d.starts_with("levels of gender: missing [\"agree\"], unknown [\"same\"]")),
            "{err}"
        );
        let text = trained().to_json().replacen("\"gender\": {", "\"gender\": {\n\"agree\": [0.5, 0.5],", 1);
        assert!(Model::from_json(&text).unwrap_err().to_string().contains("appears twice"));
    }

    #[test]
    fn impossible_numbers_are_refused() {
        let err = edited(|v| v["fields"]["gender"]["agree"] = serde_json::json!([0.0, 0.5])).unwrap_err();
        assert!(matches!(&err, ModelFileError::Value(d) if d == "m of gender=agree is 0"), "{err}");
        let err = edited(|v| {
            v["fields"]["gender"]["agree"] = serde_json::json!([0.98, 0.002]);
            v["fields"]["gender"]["disagree"] = serde_json::json!([0.02, 0.9]);
        })
        .unwrap_err();
        assert!(matches!(&err, ModelFileError::Value(d) if d.starts_with("u of gender sums to")), "{err}");
        let err = edited(|v| v["lambda"] = serde_json::json!(1.0)).unwrap_err();
        assert!(matches!(err, ModelFileError::Value(_)), "{err}");
    }
}
