//! Who must act on a finding (docs/campaign.md, "Who corrects what").

terms! {
    /// Who must act on a finding; each has its own work list.
    pub enum Owner {
        /// The commune/ward party-building board: party data (dates, card, status, names on the party file).
        PartyBoard = "party_board", "Ban xây dựng Đảng xã/phường", "party board";
        /// The commune police: population data, and numbers whose structure contradicts the person.
        Police = "police", "Công an xã/phường", "police";
        /// The officer at the intake site: what can be settled with the member and the card in hand.
        IntakeOfficer = "intake_officer", "Cán bộ tiếp nhận", "intake officer";
    }
}
