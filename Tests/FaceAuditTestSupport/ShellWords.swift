/// Splits what `RunConfiguration.shellLine` writes back into words, as a POSIX shell would.
public enum ShellWords {
    /// The words of a shell line of plain, backslash-escaped and single-quoted words; a backslash before
    /// a line feed continues the line.
    public static func split(_ line: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        var inWord = false
        for c in line {
            if quoted {
                if c == "'" { quoted = false } else { current.append(c) }
            } else if escaped {
                if c != "\n" {
                    current.append(c)
                    inWord = true
                }
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c == "'" {
                quoted = true
                inWord = true
            } else if c == " " || c == "\n" {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(c)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }
}
