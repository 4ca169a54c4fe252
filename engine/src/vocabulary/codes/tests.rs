//! The code table and its message templates.

use super::*;

#[test]
fn codes_are_unique_and_round_trip() {
    let mut seen = std::collections::HashSet::new();
    for c in Code::ALL {
        assert!(seen.insert(c.as_str()));
        assert_eq!(Code::from_code(c.as_str()), Some(*c));
        assert!(!c.summary_vi().is_empty() && !c.summary_en().is_empty());
        assert!(!c.action_vi().is_empty() && !c.action_en().is_empty());
    }
    // The codes the issue names, exactly.
    for s in [
        "NAME_EQUIVALENT_FORM",
        "NAME_DIACRITICS_MISSING",
        "NAME_SPELLING_VARIANT",
        "NAME_MIDDLE_MISSING",
        "NAME_REORDERED",
        "NAME_TYPO",
        "NAME_MISMATCH",
        "DOB_MISMATCH",
        "GENDER_MISMATCH",
        "HOMETOWN_MISMATCH",
        "CITIZEN_ID_MISSING",
        "CITIZEN_ID_MALFORMED",
        "CITIZEN_ID_UNKNOWN_PROVINCE",
        "CITIZEN_ID_SEX_MISMATCH",
        "CITIZEN_ID_YEAR_MISMATCH",
        "CITIZEN_NOT_FOUND",
        "LEGACY_ID_ONLY",
        "CARD_NUMBER_MALFORMED",
        "OFFICIAL_BEFORE_ADMISSION",
        "UNDER_AGE_AT_ADMISSION",
        "STATUS_NOT_ELIGIBLE",
    ] {
        assert!(Code::from_code(s).is_some(), "{s}");
    }
    assert_eq!(Code::DobMismatch.severity(), Severity::Review);
    assert_eq!(Code::DobMismatch.default_owner(), Owner::PartyBoard);
}

#[test]
fn every_code_has_a_message_and_every_template_is_well_formed() {
    for c in Code::ALL {
        assert!(Message::ALL.iter().any(|m| m.code() == *c), "{c:?} has no message");
    }
    let templates = Message::ALL
        .iter()
        .flat_map(|m| [m.template_vi(), m.template_en()])
        .chain(Phrase::ALL.iter().flat_map(|p| [p.template_vi(), p.template_en()]));
    for template in templates {
        assert!(!template.is_empty());
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            let close = open + rest[open..].find('}').unwrap_or_else(|| panic!("unclosed in {template:?}"));
            let name = &rest[open + 1..close];
            assert!(!name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{template:?}");
            rest = &rest[close + 1..];
        }
        assert!(!rest.contains('}'), "{template:?}");
    }
}

/// The templates render exactly what the rules wrote inline before the table
/// existed (the old format strings, kept here as the reference).
#[test]
fn templates_render_the_former_messages() {
    let check = |m: Message, args: &[Arg<'_>], vi: String, en: String| {
        assert_eq!(m.vi(args).to_string(), vi, "{m:?}");
        assert_eq!(m.en(args).to_string(), en, "{m:?}");
    };
    let (f, d) = ("date_of_birth", "ngày sinh");
    let (side_vi, side_en) = ("hồ sơ đảng viên", "party record");
    let field = Arg::each("field", d, f);
    let side = Arg::each("side", side_vi, side_en);
    check(
        Message::DateTooLong,
        &[field, side, Arg::count("bytes", 2000)],
        format!("{} trên {} quá dài để là một ngày ({} byte)", d, side_vi, 2000),
        format!("{f} on the {} is too long to be a date ({} bytes)", side_en, 2000),
    );
    check(
        Message::DateImplausible,
        &[field, side],
        format!("{} trên {} không hợp lý (trước mốc sớm nhất có thể hoặc sau ngày đối chiếu)", d, side_vi),
        format!(
            "{f} on the {} is not plausible (before the earliest possible day or after the reference date)",
            side_en
        ),
    );
    check(
        Message::DateUnreadable,
        &[field, side, Arg::each("problem", "pv", "pe")],
        format!("{} trên {}: {}", d, side_vi, "pv"),
        format!("{f} on the {}: {}", side_en, "pe"),
    );
    check(
        Message::ValueMissing,
        &[Arg::each("field", "ngày vào Đảng", "admission date")],
        format!("Hồ sơ đảng viên thiếu {}", "ngày vào Đảng"),
        format!("The party record has no {}", "admission_date".replace('_', " ")),
    );
    check(
        Message::CardNumberLength,
        &[Arg::number("digits", 5u8)],
        "Số thẻ đảng viên có 5 chữ số; số thẻ gồm 8 chữ số".to_string(),
        "The party card number has 5 digits; it is 8".to_string(),
    );
    check(
        Message::CardNumberLostZero,
        &[Arg::number("digits", 7u8)],
        "Số thẻ đảng viên có 7 chữ số: đã thêm số 0 đầu mà bảng tính làm mất; nên định dạng cột là Văn bản".to_string(),
        "The party card number had 7 digits: the leading zero a spreadsheet dropped was put back; format the column as Text"
            .to_string(),
    );
    assert_eq!(Message::CardNumberLostZero.code().severity(), Severity::Info);
    assert_eq!(Message::CitizenIdLeadingZeros.code(), Code::CitizenIdLeadingZero);
    check(
        Message::OfficialBeforeAdmission,
        &[Arg::text("official", "01/01/2000"), Arg::text("admission", "02/02/2000")],
        format!(
            "Ngày chính thức ({}) không sau ngày vào Đảng ({}); thời gian dự bị thường là 12 tháng",
            "01/01/2000", "02/02/2000"
        ),
        format!(
            "The official date ({}) is not after the admission date ({}); probation normally lasts 12 months",
            "01/01/2000", "02/02/2000"
        ),
    );
    check(
        Message::NameTooLong,
        &[Arg::each("field", "Họ và tên", "full_name"), Arg::count("bytes", 300), Arg::count("limit", 256)],
        format!(
            "{} dài {} byte, vượt giới hạn {} byte: không phải một họ tên (có thể nhầm cột)",
            "Họ và tên", 300, 256
        ),
        format!("{} is {} bytes long, over the {}-byte limit: not a name (a wrong column?)", "full_name", 300, 256),
    );
    check(
        Message::NameMismatch,
        &[
            Arg::each("field", "Tên khai sinh", "birth_name"),
            Arg::each("summary", "khác nhau", "different"),
            Arg::each("via", Phrase::ViaOtherName.template_vi(), Phrase::ViaOtherName.template_en()),
        ],
        format!(
            "{} trên hồ sơ đảng viên và CSDL dân cư: {}{}",
            "Tên khai sinh", "khác nhau", " (so với tên gọi khác trong CSDL dân cư)"
        ),
        format!(
            "Name on the party record and in the population data: {}{}",
            "different", " (through another name in the population data)"
        ),
    );
    check(
        Message::HometownProvinceMismatch,
        &[Arg::text("party", "Hà Tĩnh"), Arg::text("population", "Hà Nội")],
        format!("Quê quán khác nhau: tỉnh {} và tỉnh {} (đã tính tên trước và sau sáp nhập)", "Hà Tĩnh", "Hà Nội"),
        format!("Hometowns differ: {} against {} (old and new province names reconciled)", "Hà Tĩnh", "Hà Nội"),
    );
    let count = [Arg::count("count", 3)];
    let (cv, ce) = (Phrase::SomeCandidates.vi(&count), Phrase::SomeCandidates.en(&count));
    let old_cv = format!(
        "có {} người có thể phù hợp theo họ tên và ngày sinh — cần xác nhận với thẻ căn cước, không tự chọn",
        3
    );
    let old_ce = format!(
        "{} possible people by name and date of birth — confirm with the ID card; none is chosen automatically",
        3
    );
    assert_eq!((cv.to_string(), ce.to_string()), (old_cv.clone(), old_ce.clone()));
    let candidates = Arg::each_shown("candidates", &cv, &ce);
    check(
        Message::LegacyIdOnlyShared,
        &[candidates, Arg::count("people", 2)],
        format!("Chỉ có số CMND 9 số, và {} người dùng chung số này; không tự chọn — {}", 2, old_cv),
        format!(
            "Only the old 9-digit number is given, and {} people share it; none is chosen automatically — {}",
            2, old_ce
        ),
    );
    check(
        Message::CitizenIdLeadingZero,
        &[Arg::count("digits", 11)],
        format!("Số có {} chữ số: đã thêm số 0 đầu mà bảng tính làm mất; nên định dạng cột là Văn bản", 11),
        format!(
            "The number had {} digits: the leading zero a spreadsheet dropped was put back; format the column as Text",
            11
        ),
    );
    let who = Arg::each("who", Phrase::PoliceReissue.template_vi(), Phrase::PoliceReissue.template_en());
    check(
        Message::CitizenIdUnknownProvince,
        &[Arg::text("province", "099"), who],
        format!("Mã tỉnh {:03} không thuộc 63 mã nơi đăng ký khai sinh; {}", 99, "công an cấp lại số"),
        format!(
            "Province code {:03} is none of the 63 birth-registration codes; {}",
            99, "the police cancel and re-issue the number"
        ),
    );
    check(
        Message::CitizenIdYearMismatch,
        &[Arg::number("coded", 1960u16), Arg::number("year", 1961u16), who],
        format!("Số định danh mã hoá năm sinh {}, nhưng người này sinh năm {}; {}", 1960, 1961, "công an cấp lại số"),
        format!(
            "The number codes birth year {}, but the person was born in {}; {}",
            1960, 1961, "the police cancel and re-issue the number"
        ),
    );
    check(
        Message::UnderAgeAtAdmission,
        &[Arg::text("admission", "2000"), Arg::text("born", "1990")],
        format!("Vào Đảng ngày {} khi chưa đủ 18 tuổi (sinh {})", "2000", "1990"),
        format!("Admitted on {} before turning 18 (born {})", "2000", "1990"),
    );
}
