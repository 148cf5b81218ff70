/// The first spelling of each name a dataset reader has met (subject ids, image paths, folder and file names), so
/// that a later name that is the same text in another Unicode normalization is refused
/// (``ManifestError/Code/unicodeNormalization``). Every reader uses it: the CSV manifest (and so the London
/// Set), UTKFace file names and LFW folder and file names.
///
/// Swift compares strings by canonical equivalence, so "Jos\u{E9}" (NFC) and "Jose\u{301}" (NFD) are one
/// dictionary key although they are different bytes: different files on disk, and two people a dataset
/// would silently make one.
public struct Spellings {
    /// Where a name is written: a place in a text file (a manifest's field), or a file or folder named by it.
    enum Place {
        /// A field of a text file.
        case text(TextLocation)
        /// A file or folder, by its path.
        case path(String)
    }

    /// What the names are, as the message calls them (`subject_id`, `image path`, `subject folder`).
    let what: String
    private var first: [String: (text: String, place: Place)] = [:]

    /// Starts with no names, with room for `capacity` of them (a manifest's rows: growing a table of
    /// 20,000 paths by doubling took 4 MB of fresh pages); `what` names them in messages.
    init(of what: String, capacity: Int = 0) {
        self.what = what
        first.reserveCapacity(capacity)
    }

    /// Records `name`, written at `place`.
    /// - Returns: where the same name (the same bytes) was met first, or nil when it is new.
    /// - Throws: ``ManifestError/Code/unicodeNormalization`` at `place` when an earlier name is the same text in
    ///   another normalization, naming where that one is written.
    mutating func record(_ name: String, at place: Place) throws(ManifestError) -> Place? {
        guard let earlier = first[name] else {
            first[name] = (name, place)
            return nil
        }
        guard name.hasSameBytes(as: earlier.text) else { throw refusal(at: place, earlier: earlier.place) }
        return earlier.place
    }

    /// What two names in two Unicode normalizations are, as every refusal of them says (score files' too).
    public static let differOnlyInNormalization =
        "differ only in Unicode normalization (e.g. é as one character in one, e and a combining accent in the other), "
        + "so they would be taken as one"

    /// The error for a name at `place` that is an earlier one's text in another normalization.
    private func refusal(at place: Place, earlier: Place) -> ManifestError {
        let first =
            switch earlier {
            case .text(let location): "the one at line \(location.line), column \(location.column)"
            case .path(let path): path
            }
        let message = "this \(what) and \(first) \(Self.differOnlyInNormalization); "
        switch place {
        case .text(let location):
            return ManifestError(.unicodeNormalization, at: location, message + "write both the same way (NFC)")
        case .path(let path):
            return ManifestError(.unicodeNormalization, path: path, message + "rename one so both are written the same way (NFC)")
        }
    }
}

extension String {
    /// Whether the two strings are the same UTF-8 bytes, not only the same text (`==` takes two
    /// normalizations of one text as equal). Compared in place: `utf8.elementsEqual` went through the
    /// views' iterators byte by byte (0.3% of a 20,000-template run, reading its manifest).
    func hasSameBytes(as other: String) -> Bool {
        var (a, b) = (self, other)
        return a.withUTF8 { a in
            b.withUTF8 { b in
                guard a.count == b.count else { return false }
                for k in a.indices where a[k] != b[k] { return false }
                return true
            }
        }
    }
}
