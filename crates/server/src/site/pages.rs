//! The public site's pages as HTML, rendered on the server from the school's data: readable
//! without JavaScript, one small inline stylesheet (nothing else to fetch), French, with the
//! titles, descriptions, canonical links, Open Graph tags and schema.org JSON-LD search engines
//! and link previews read. Every value is escaped.

use std::fmt::Write;

use volant_domain::{billing::euros, schedule::WeeklyRange};

use super::{
    Page, SiteData,
    registration::{CONSENT, Form},
};

/// HTML-escapes a text value (element content and attribute values alike).
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

const DAYS: [&str; 7] = ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"];

/// The whole page (the registration form empty).
pub fn render(site: &SiteData, page: Page) -> String {
    let (title, description, body) = match page {
        Page::Registration => return registration(site, &Form::default(), &[]),
        Page::Thanks => (
            format!("Merci — {}", site.name),
            format!("Votre demande d'inscription à {} est bien reçue.", site.name),
            "<h1>Merci !</h1><p class=\"lead\">Votre demande est bien reçue : l'auto-école vous recontacte très vite \
             pour fixer votre évaluation de départ.</p>"
                .to_owned(),
        ),
        Page::Home => (format!("{} — auto-école", site.name), site.intro_or_default(), home(site)),
        Page::Offers => (
            format!("Formations et tarifs — {}", site.name),
            format!("Les formules et les prix de {}.", site.name),
            offers(site),
        ),
        Page::Agencies => (
            format!("Nos agences et horaires — {}", site.name),
            format!("Adresses, téléphones et horaires d'ouverture des agences de {}.", site.name),
            agencies(site),
        ),
        Page::Legal => {
            (format!("Mentions légales — {}", site.name), format!("Mentions légales de {}.", site.name), legal(site))
        }
        Page::Privacy => (
            format!("Confidentialité — {}", site.name),
            format!("Comment {} traite vos données personnelles.", site.name),
            privacy(site),
        ),
    };
    layout(site, page, &title, &description, &body)
}

/// The registration form, filled with what was sent and the errors to correct.
pub fn registration(site: &SiteData, form: &Form, errors: &[(&str, String)]) -> String {
    let title = format!("Inscription — {}", site.name);
    let description = format!("Inscrivez-vous en ligne à {} : l'école vous rappelle.", site.name);
    layout(site, Page::Registration, &title, &description, &registration_body(site, form, errors))
}

fn layout(site: &SiteData, page: Page, title: &str, description: &str, body: &str) -> String {
    let canonical = site.url(page);
    let json_ld = if page == Page::Home {
        format!("<script type=\"application/ld+json\">{}</script>", json_ld(site))
    } else {
        String::new()
    };
    let nav = [Page::Home, Page::Offers, Page::Agencies, Page::Registration]
        .iter()
        .map(|p| {
            let current = if *p == page { " aria-current=\"page\"" } else { "" };
            format!("<li><a href=\"{}\"{current}>{}</a></li>", esc(&site.url(*p)), p.label())
        })
        .collect::<String>();
    format!(
        "<!doctype html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><meta name=\"description\" content=\"{description}\">\
         <link rel=\"canonical\" href=\"{canonical}\">\
         <meta property=\"og:type\" content=\"website\"><meta property=\"og:title\" content=\"{title}\">\
         <meta property=\"og:description\" content=\"{description}\"><meta property=\"og:url\" content=\"{canonical}\">\
         <meta property=\"og:locale\" content=\"fr_FR\"><meta name=\"theme-color\" content=\"{colour}\">\
         <style>{css}</style>{json_ld}</head>\
         <body class=\"{template}\"><a class=\"skip\" href=\"#contenu\">Aller au contenu</a>\
         <header><p class=\"brand\"><a href=\"{home}\">{name}</a></p><nav aria-label=\"Menu principal\"><ul>{nav}</ul></nav></header>\
         <main id=\"contenu\">{body}</main>\
         <footer><p>{name}{siret}</p><ul><li><a href=\"{legal}\">Mentions légales</a></li>\
         <li><a href=\"{privacy}\">Confidentialité</a></li></ul></footer></body></html>\n",
        title = esc(title),
        description = esc(description),
        canonical = esc(&canonical),
        colour = esc(&site.colour),
        css = css(&site.colour),
        template = esc(&site.template),
        home = esc(&site.url(Page::Home)),
        name = esc(&site.name),
        siret = site.siret.as_deref().map(|s| format!(" — SIRET {}", esc(s))).unwrap_or_default(),
        legal = esc(&site.url(Page::Legal)),
        privacy = esc(&site.url(Page::Privacy)),
    )
}

fn css(colour: &str) -> String {
    // The school's colour as the accent; text stays near black on white (contrast AA and more).
    format!(
        ":root{{--accent:{colour}}}*{{box-sizing:border-box}}body{{margin:0;font:1.0625rem/1.6 system-ui,sans-serif;color:#1a1a1a;background:#fff}}\
         .skip{{position:absolute;left:-999px}}.skip:focus{{left:1rem;top:1rem;background:#fff;padding:.5rem}}\
         header,main,footer{{max-width:60rem;margin:0 auto;padding:1rem}}header{{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;justify-content:space-between;border-bottom:4px solid var(--accent)}}\
         .brand{{font-size:1.35rem;font-weight:700;margin:0}}a{{color:#0b4a8b}}nav ul,footer ul{{list-style:none;display:flex;flex-wrap:wrap;gap:1rem;margin:0;padding:0}}\
         nav a{{display:inline-block;padding:.5rem .25rem;text-decoration:none;font-weight:600}}nav a[aria-current]{{text-decoration:underline}}\
         h1{{font-size:2rem;line-height:1.25}}.lead{{font-size:1.2rem}}.cards{{display:grid;grid-template-columns:repeat(auto-fit,minmax(15rem,1fr));gap:1rem;padding:0;list-style:none}}\
         .cards li{{border:1px solid #c9c9c9;border-radius:.5rem;padding:1rem;border-top:4px solid var(--accent)}}.price{{font-size:1.4rem;font-weight:700}}\
         table{{border-collapse:collapse}}th,td{{text-align:left;padding:.25rem 1rem .25rem 0}}footer{{border-top:1px solid #c9c9c9;font-size:.95rem}}\
         .moderne h1{{color:#fff;background:var(--accent);padding:1.5rem;border-radius:.5rem;text-shadow:0 1px 2px #000}}.sobre header{{border-bottom-width:1px}}\
         form p{{margin:0 0 1rem}}label{{display:block;font-weight:600}}input,textarea{{font:inherit;width:100%;max-width:30rem;padding:.5rem;border:1px solid #6b6b6b;border-radius:.25rem}}\
         input[type=checkbox]{{width:auto;margin-right:.5rem}}.check label{{display:inline;font-weight:400}}button{{font:inherit;font-weight:700;padding:.75rem 1.5rem;border:0;border-radius:.25rem;background:#0b4a8b;color:#fff;cursor:pointer}}\
         .error{{color:#a51d1d;font-weight:600}}.summary{{border:2px solid #a51d1d;padding:1rem;border-radius:.25rem}}.hp{{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}}"
    )
}

fn home(site: &SiteData) -> String {
    let mut out =
        format!("<h1>{}</h1><p class=\"lead\">{}</p>", esc(&site.headline_or_default()), esc(&site.intro_or_default()));
    if !site.products.is_empty() {
        out.push_str("<h2>Nos formations</h2><ul class=\"cards\">");
        for p in site.products.iter().take(3) {
            let _ =
                write!(out, "<li><h3>{}</h3><p class=\"price\">{}</p></li>", esc(&p.name), esc(&euros(p.price_cents)));
        }
        let _ = write!(
            out,
            "</ul><p><a href=\"{}\">Toutes nos formations et leurs tarifs</a></p>",
            esc(&site.url(Page::Offers))
        );
    }
    let _ = write!(out, "<h2>Nous trouver</h2>{}", agency_list(site));
    out
}

fn offers(site: &SiteData) -> String {
    let mut out = String::from("<h1>Formations et tarifs</h1>");
    if site.products.is_empty() {
        out.push_str("<p>Nos tarifs vous sont donnés en agence.</p>");
        return out;
    }
    out.push_str("<ul class=\"cards\">");
    for p in &site.products {
        let hours = p.minutes.map(|m| format!("<p>{} h de conduite</p>", m / 60)).unwrap_or_default();
        let _ = write!(
            out,
            "<li><h2>{}</h2>{hours}<p class=\"price\">{} TTC</p></li>",
            esc(&p.name),
            esc(&euros(p.price_cents))
        );
    }
    out.push_str("</ul><p>Prix toutes taxes comprises. Le contrat de formation précise le volume d'heures estimé après l'évaluation de départ.</p>");
    out
}

fn agencies(site: &SiteData) -> String {
    format!("<h1>Nos agences</h1>{}", agency_list(site))
}

fn agency_list(site: &SiteData) -> String {
    let mut out = String::new();
    for a in &site.agencies {
        let _ = write!(out, "<section><h3>{}</h3>", esc(&a.name));
        if let Some(address) = &a.address {
            let map = format!("https://www.openstreetmap.org/search?query={}", urlencode(address));
            let _ = write!(
                out,
                "<p>{}<br><a href=\"{}\">Voir sur la carte<span class=\"skip\"> : {}</span></a></p>",
                esc(address).replace('\n', "<br>"),
                esc(&map),
                esc(&a.name)
            );
        }
        if let Some(phone) = &a.phone {
            let _ =
                write!(out, "<p>Téléphone : <a href=\"tel:{}\">{}</a></p>", esc(&phone.replace(' ', "")), esc(phone));
        }
        if !a.opening_hours.is_empty() {
            let _ = write!(
                out,
                "<table><caption>Horaires d'ouverture</caption><tbody>{}</tbody></table>",
                hours_rows(&a.opening_hours)
            );
        }
        out.push_str("</section>");
    }
    out
}

fn hours_rows(ranges: &[WeeklyRange]) -> String {
    (1..=7u8)
        .filter_map(|day| {
            let spans: Vec<String> = ranges
                .iter()
                .filter(|r| r.weekday == day)
                .map(|r| format!("{} – {}", r.start.replace(':', " h "), r.end.replace(':', " h ")))
                .collect();
            let name = DAYS.get(usize::from(day) - 1)?;
            (!spans.is_empty())
                .then(|| format!("<tr><th scope=\"row\">{name}</th><td>{}</td></tr>", esc(&spans.join(", "))))
        })
        .collect()
}

fn legal(site: &SiteData) -> String {
    let mut out = format!("<h1>Mentions légales</h1><h2>Éditeur du site</h2><p>{}", esc(&site.legal_name));
    for line in [
        &site.legal_form,
        &site.address,
        &site.siret.as_ref().map(|s| format!("SIRET {s}")),
        &site.vat_number.as_ref().map(|v| format!("N° TVA {v}")),
        &site.agrement.as_ref().map(|a| format!("Agrément préfectoral {a}")),
    ]
    .into_iter()
    .flatten()
    {
        let _ = write!(out, "<br>{}", esc(line).replace('\n', "<br>"));
    }
    out.push_str(
        "</p><h2>Hébergement</h2><p>Le site est produit et hébergé par Volant, logiciel de gestion d'auto-école, \
         pour le compte de l'éditeur.</p>",
    );
    out
}

fn privacy(site: &SiteData) -> String {
    format!(
        "<h1>Confidentialité</h1><p>Ce site ne dépose aucun cookie et ne mesure pas votre navigation.</p>\
         <p>Les données que vous confiez à {name} (inscription, contact) servent à votre formation et à la gestion \
         de votre dossier ; elles sont conservées trois ans après le dernier contact pour une demande sans suite, \
         et pendant la durée légale pour un élève (contrat : cinq ans après sa fin ; pièces comptables : dix ans).</p>\
         <p>Vous pouvez y accéder, les faire rectifier ou effacer, et vous opposer à leur traitement en écrivant à \
         l'auto-école{contact}. Vous pouvez aussi saisir la CNIL (cnil.fr).</p>",
        name = esc(&site.name),
        contact =
            site.email.as_deref().map(|e| format!(" (<a href=\"mailto:{0}\">{0}</a>)", esc(e))).unwrap_or_default(),
    )
}

/// schema.org `DrivingSchool`: name, address, telephone, opening hours, the site's address.
pub fn json_ld(site: &SiteData) -> String {
    let days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
    let first = site.agencies.first();
    let hours: Vec<serde_json::Value> = first
        .map(|a| {
            a.opening_hours
                .iter()
                .filter_map(|r| {
                    Some(serde_json::json!({
                        "@type": "OpeningHoursSpecification",
                        "dayOfWeek": format!("https://schema.org/{}", days.get(usize::from(r.weekday).checked_sub(1)?)?),
                        "opens": r.start, "closes": r.end,
                    }))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut ld = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "DrivingSchool",
        "name": site.name,
        "url": site.url(Page::Home),
        "openingHoursSpecification": hours,
    });
    if let Some(address) = first.and_then(|a| a.address.clone()).or_else(|| site.address.clone()) {
        ld["address"] = serde_json::json!({"@type": "PostalAddress", "streetAddress": address, "addressCountry": "FR"});
    }
    if let Some(phone) = first.and_then(|a| a.phone.clone()) {
        ld["telephone"] = serde_json::Value::String(phone);
    }
    // Inside <script>, `</` must not appear: JSON's `\/` keeps it out.
    ld.to_string().replace("</", "<\\/")
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// `sitemap.xml`: every page with its canonical address.
pub fn sitemap(site: &SiteData) -> String {
    let urls: String = Page::INDEXED.iter().map(|p| format!("<url><loc>{}</loc></url>", esc(&site.url(*p)))).collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">{urls}</urlset>\n"
    )
}

pub fn robots(site: &SiteData) -> String {
    format!("User-agent: *\nAllow: /\nSitemap: {}\n", site.sitemap_url())
}

fn registration_body(site: &SiteData, form: &Form, errors: &[(&str, String)]) -> String {
    let error_of = |field: &str| errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str());
    let mut out = String::from(
        "<h1>Inscription en ligne</h1><p class=\"lead\">Laissez vos coordonnées : l'auto-école vous \
        rappelle pour fixer votre évaluation de départ.</p>",
    );
    if !errors.is_empty() {
        out.push_str(
            "<div class=\"summary\" role=\"alert\" tabindex=\"-1\" id=\"erreurs\"><h2>Merci de corriger :</h2><ul>",
        );
        for (field, message) in errors {
            let _ = write!(out, "<li><a href=\"#{field}\">{}</a></li>", esc(message));
        }
        out.push_str("</ul></div>");
    }
    let _ = write!(out, "<form method=\"post\" action=\"{}\" novalidate>", esc(&site.url(Page::Registration)));
    let field = |out: &mut String,
                 name: &str,
                 label: &str,
                 kind: &str,
                 value: &str,
                 autocomplete: &str,
                 required: bool| {
        let error = error_of(name);
        let described =
            error.map(|_| format!(" aria-invalid=\"true\" aria-describedby=\"{name}-erreur\"")).unwrap_or_default();
        let mark = if required { " <span aria-hidden=\"true\">*</span>" } else { "" };
        let req = if required { " required" } else { "" };
        let _ = write!(
            out,
            "<p><label for=\"{name}\">{label}{mark}</label>{}<input id=\"{name}\" name=\"{name}\" type=\"{kind}\" value=\"{}\" autocomplete=\"{autocomplete}\"{req}{described}></p>",
            error.map(|m| format!("<span class=\"error\" id=\"{name}-erreur\">{}</span>", esc(m))).unwrap_or_default(),
            esc(value)
        );
    };
    out.push_str("<p>Les champs marqués d'un astérisque (*) sont obligatoires.</p>");
    field(&mut out, "prenom", "Prénom", "text", &form.prenom, "given-name", true);
    field(&mut out, "nom", "Nom", "text", &form.nom, "family-name", true);
    field(&mut out, "naissance", "Date de naissance", "date", &form.naissance, "bday", true);
    field(&mut out, "email", "E-mail", "email", &form.email, "email", false);
    field(&mut out, "telephone", "Téléphone", "tel", &form.telephone, "tel", false);
    let message_error = error_of("message");
    let _ = write!(
        out,
        "<p><label for=\"message\">Votre message (facultatif)</label>{}<textarea id=\"message\" name=\"message\" rows=\"4\" maxlength=\"1000\">{}</textarea></p>",
        message_error.map(|m| format!("<span class=\"error\">{}</span>", esc(m))).unwrap_or_default(),
        esc(&form.message)
    );
    // The honeypot: out of sight and out of the tab order; a person leaves it empty.
    out.push_str(
        "<div class=\"hp\" aria-hidden=\"true\"><label for=\"site_web\">Ne pas remplir</label>\
        <input id=\"site_web\" name=\"site_web\" type=\"text\" tabindex=\"-1\" autocomplete=\"off\"></div>",
    );
    let consent_error = error_of("consentement");
    let _ = write!(
        out,
        "<p class=\"check\">{}<input id=\"consentement\" name=\"consentement\" type=\"checkbox\" value=\"oui\"{}{}><label for=\"consentement\">{} <a href=\"{}\">Confidentialité</a></label></p>",
        consent_error
            .map(|m| format!("<span class=\"error\" id=\"consentement-erreur\">{}</span><br>", esc(m)))
            .unwrap_or_default(),
        if form.consentement.is_some() { " checked" } else { "" },
        if consent_error.is_some() { " aria-invalid=\"true\" aria-describedby=\"consentement-erreur\"" } else { "" },
        esc(CONSENT),
        esc(&site.url(Page::Privacy)),
    );
    out.push_str("<p><button type=\"submit\">Envoyer ma demande</button></p></form>");
    out
}
