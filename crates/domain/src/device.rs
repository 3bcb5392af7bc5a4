//! A device named from its browser's `User-Agent`, as a person recognises it in "Mes sessions"
//! ("Chrome sur Android"). A heuristic by design: the label helps a person spot a session that is
//! not theirs; nothing is decided on it.

/// "Firefox sur Windows", "Safari sur iPhone", or "Appareil inconnu".
pub fn label(user_agent: Option<&str>) -> String {
    let Some(ua) = user_agent.filter(|ua| !ua.trim().is_empty()) else {
        return "Appareil inconnu".into();
    };
    match (browser(ua), system(ua)) {
        (Some(b), Some(s)) => format!("{b} sur {s}"),
        (Some(b), None) => b.into(),
        (None, Some(s)) => format!("Navigateur sur {s}"),
        (None, None) => "Appareil inconnu".into(),
    }
}

/// The browser: the order matters, since Edge and Opera also say Chrome, and Chrome says Safari.
fn browser(ua: &str) -> Option<&'static str> {
    const BROWSERS: [(&str, &str); 7] = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("SamsungBrowser/", "Samsung Internet"),
        ("Firefox/", "Firefox"),
        ("FxiOS/", "Firefox"),
        ("CriOS/", "Chrome"),
        ("Chrome/", "Chrome"),
    ];
    BROWSERS
        .iter()
        .find(|(token, _)| ua.contains(token))
        .map(|(_, name)| *name)
        .or_else(|| ua.contains("Safari/").then_some("Safari"))
}

/// The system: iPhone and iPad before macOS (they say "like Mac OS X"), Android before Linux.
fn system(ua: &str) -> Option<&'static str> {
    const SYSTEMS: [(&str, &str); 7] = [
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Android", "Android"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ];
    SYSTEMS.iter().find(|(token, _)| ua.contains(token)).map(|(_, name)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_common_browsers_and_systems() {
        let cases = [
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
                "Edge sur Windows",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
                "Safari sur iPhone",
            ),
            (
                "Mozilla/5.0 (Linux; Android 14; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
                "Samsung Internet sur Android",
            ),
            ("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox sur Linux"),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                "Chrome sur macOS",
            ),
        ];
        for (ua, expected) in cases {
            assert_eq!(label(Some(ua)), expected, "{ua}");
        }
    }

    #[test]
    fn says_unknown_rather_than_guessing() {
        assert_eq!(label(None), "Appareil inconnu");
        assert_eq!(label(Some("  ")), "Appareil inconnu");
        assert_eq!(label(Some("curl/8.5.0")), "Appareil inconnu");
        assert_eq!(label(Some("reqwest (Linux)")), "Navigateur sur Linux");
    }
}
