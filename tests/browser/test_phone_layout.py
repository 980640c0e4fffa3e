"""The main pages on a 390×844 phone (and, for the screenshots, a desktop): no sideways scrolling,
the header no taller than a fifth of the screen, the page's heading and first controls within the
first screen, and axe clean. Screenshots at both sizes go to test-artifacts/PhoneLayout/ so a
reviewer can look without running anything."""

import re

from playwright.sync_api import expect

from tests.browser.harness import ARTIFACTS, BrowserTestCase, broken_words

PAGES = [
    ("start", "/"),
    ("team-home", "/t/oost/"),
    ("members", "/t/oost/members/"),
    ("leave-team", "/t/oost/members/leave/"),  # the question only: a GET changes nothing
    ("bottlenecks", "/t/oost/bottlenecks/"),
    ("agreements", "/t/oost/agreements/"),
    ("threads", "/t/oost/threads/"),
    ("my-work", "/my-work/"),
    ("wijkkaart", "/t/oost/wijkkaart/"),
    ("sociale-kaart", "/t/oost/sociale-kaart/"),
    ("welzijn-op-recept", "/t/oost/welzijn-op-recept/"),
    ("account", "/accounts/2fa/"),
    ("security-keys", "/accounts/2fa/webauthn/"),
    ("password", "/accounts/password/change/"),
    ("email", "/accounts/email/"),
    ("name", "/accounts/name/"),
    ("form-only-address", "/notifications/preferences/"),  # 405: opened without its form
]

PHONE = {"width": 390, "height": 844}


def _assert_folded(browser_page, nav, path: str, name: str, *, height: int):
    """A list of pages folded into one line on a phone (a team's, the account's): no sideways
    scrolling, at most `height` px, its line naming the current page `name`, in sight, a target
    large enough. Returns the line (its <summary>)."""
    sizes = nav.evaluate("nav => [nav.scrollWidth, nav.clientWidth, nav.offsetHeight]")
    assert sizes[0] <= sizes[1], f"{path}: the pages' list scrolls sideways: {sizes}"
    assert sizes[2] <= height, f"{path}: the pages' list takes {sizes[2]}px of the phone's height"
    summary = nav.locator("summary")
    expect(summary).to_be_visible()
    # A screen reader hears where it is; the eye reads only "Andere pagina’s": the current page's
    # name stood right under the heading (or the breadcrumb's last link) that says it already.
    expect(summary).to_have_text(f"Andere pagina’s, nu op: {name}")
    seen = summary.evaluate(
        """s => [...s.childNodes].filter(n => n.nodeType === Node.TEXT_NODE
            || getComputedStyle(n).clipPath === 'none' && getComputedStyle(n).clip === 'auto')
            .map(n => n.textContent).join('').trim()"""
    )
    assert seen == "Andere pagina’s", f"{path}: the folded line shows {seen!r}"
    spot = summary.bounding_box()
    assert 0 <= spot["x"] and spot["x"] + spot["width"] <= PHONE["width"], (path, spot)
    assert spot["height"] >= 24, (path, spot)
    assert browser_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
    return summary


DESKTOP = {"width": 1280, "height": 900}

#: The page's running text set with less than the theme's 1.5 line height: what a person reads in
#: main (an agreement's text, a fact's value, a wijk card's line, a table's cell), not headings,
#: buttons, badges or the one-line parts (breadcrumb, tabs, a disclosure's line, a label), which are
#: set tighter on purpose. Found at 390 px: every text outside a component (an agreement's text and
#: facts, a bottleneck's description, the wijk card's "In deze wijk") stood at the browser's 1.2.
_CRAMPED_TEXT = """() => {
  const tight = [];
  const set = "h1, h2, h3, h4, caption, button, summary, label, legend, select, input, textarea, .wv-badge,"
    + " .utrecht-badge-status, .wv-count, .wv-visually-hidden, .utrecht-button, .wv-breadcrumb, .wv-team-nav, script";
  for (const element of document.querySelectorAll("main *")) {
    if (element.closest(set)) continue;
    if (![...element.childNodes].some((node) => node.nodeType === Node.TEXT_NODE && node.textContent.trim())) continue;
    const style = getComputedStyle(element);
    const ratio = style.lineHeight === "normal" ? 0 : parseFloat(style.lineHeight) / parseFloat(style.fontSize);
    if (ratio < 1.45) tight.push(`${element.tagName.toLowerCase()}.${element.className}: ${style.lineHeight}`);
  }
  return [...new Set(tight)];
}"""


#: A paragraph with the controls right under it and no room between them (a page's intro and its
#: actions, a count and its "mark all" button), outside a card (an li, an article), where they keep
#: close as one item. Found at 390 px: "Regel toevoegen" stood on the wijk card's sentence, "Alles
#: als gelezen markeren" on the count of unread notices, the agreements' actions on their intro.
_CONTROLS_ON_TEXT = """() => {
  const close = [];
  for (const text of document.querySelectorAll("main p.utrecht-paragraph")) {
    if (text.closest("li, article")) continue;
    const next = text.nextElementSibling;
    if (!next || !next.matches(".wv-actions, .utrecht-button-link, .utrecht-button, form")) continue;
    const above = text.getBoundingClientRect(), below = next.getBoundingClientRect();
    if (above.height && below.height && below.top - above.bottom < 8) close.push(text.textContent.trim().slice(0, 60));
  }
  return close;
}"""


class PhoneLayout(BrowserTestCase):
    def shoot(self, name: str) -> None:
        folder = ARTIFACTS / "PhoneLayout"
        folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    def test_the_main_pages_fit_a_phone(self):
        import uuid

        from wijkverband.threads import services as threads

        # A discussion with an unread message, so the team home's panel lists it ("Algemeen (1
        # ongelezen)") and axe checks that link among text too.
        thread = threads.thread_create(actor=self.world.maarten, team=self.world.team_a, title="Algemeen")
        threads.message_post(
            actor=self.world.maarten, thread=thread, body="Goedemorgen allemaal", client_id=uuid.uuid4()
        )
        from wijkverband.tenancy.models import Membership

        maarten_in_a = Membership.objects.get(team=self.world.team_a, user=self.world.maarten)
        from wijkverband.tenancy import services as tenancy

        # A second coordinator, so that Carla's leave question asks (the last one is told to appoint one first).
        tenancy.membership_change_role(
            actor=self.world.carla,
            membership=Membership.objects.get(team=self.world.team_a, user=self.world.sofie),
            role=Membership.Role.COORDINATOR,
        )
        from tests.agreements.conftest import version_data
        from wijkverband.agreements import services as agreements

        # An agreement with its parties: their table is wider than a phone (scrolls in its box).
        agreement = agreements.agreement_create(
            actor=self.world.carla, team=self.world.team_a, data=version_data(self.world)
        )
        for organisation in (self.world.gp_a, self.world.nursing_a, self.world.pharmacy):
            agreements.party_add_organisation(actor=self.world.carla, agreement=agreement, organisation=organisation)
        agreements.party_add_external(
            actor=self.world.carla, agreement=agreement, kind="insurer", name="Zorgverzekeraar Midden"
        )
        agreements.agreement_propose(actor=self.world.carla, agreement=agreement)
        pages = [
            *PAGES,
            ("member-remove", f"/t/oost/members/{maarten_in_a.pk}/remove/"),
            ("agreement", f"/t/oost/agreements/{agreement.pk}/"),
        ]
        self.sign_in(self.world.carla)
        page = self.page
        for viewport in (PHONE, DESKTOP):
            page.set_viewport_size(viewport)
            size = "phone" if viewport is PHONE else "desktop"
            for name, path in pages:
                page.goto(self.url(path))
                expect(page.get_by_role("heading", level=1)).to_be_visible()
                self.shoot(f"{name}-{size}")
                if name in ("leave-team", "member-remove"):
                    # Found by an exploratory test: the yes and no of the question stood centred
                    # under the text (x 223 against 80 at 1280 px), not at its start.
                    text = page.locator("main p.utrecht-paragraph").first.bounding_box()
                    yes = page.locator("main form.wv-actions button").bounding_box()
                    assert abs(yes["x"] - text["x"]) <= 1, (
                        f"{path}: the button stands at {yes['x']}, the text at {text['x']}"
                    )
                if viewport is not PHONE:
                    if name == "team-home":  # its panels' links among text, at a desktop's width too
                        self.assert_accessible("desktop-team-home")
                    continue
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= PHONE["width"], f"{path}: the page scrolls sideways ({width}px)"
                header = page.locator("header.wv-header").bounding_box()
                assert header["height"] <= PHONE["height"] / 5, f"{path}: the header is {header['height']:.0f}px tall"
                broken = broken_words(page, "h1, h2")
                assert broken == [], f"{path}: a heading breaks inside a word: {broken}"
                cramped = page.evaluate(_CRAMPED_TEXT)
                assert cramped == [], f"{path}: text set closer than 1.5 lines: {cramped}"
                on_text = page.evaluate(_CONTROLS_ON_TEXT)
                assert on_text == [], f"{path}: controls right on the text above them: {on_text}"
                # A table wider than the phone scrolls in its box: the box is reachable by Tab
                # and named (axe flags it only when nothing inside it takes focus).
                unreachable = page.evaluate(
                    """() => [...document.querySelectorAll('.utrecht-table-container')]
                        .filter(b => b.scrollWidth > b.clientWidth + 1)
                        .filter(b => b.getAttribute('tabindex') !== '0'
                            || !(b.getAttribute('aria-label') || b.getAttribute('aria-labelledby')))
                        .map(b => b.querySelector('caption')?.textContent.trim() || b.outerHTML.slice(0, 80))"""
                )
                assert unreachable == [], f"{path}: a table scrolls sideways out of the keyboard's reach: {unreachable}"
                heading = page.get_by_role("heading", level=1).bounding_box()
                assert heading["y"] + heading["height"] <= PHONE["height"] / 2, f"{path}: the heading starts too low"
                self.assert_accessible(f"phone-{name}", target_size=True)

    def test_a_tables_caption_reads_whole_above_its_scroll_box(self):
        """Found by an exploratory test: on a phone the escalations' caption was centred over the
        whole 781 px table, so its first screen read "…knelpunten: eerst wat ov"; the region's
        teams table did the same at 1280 px; and the stacked signals list shrank its caption to one
        letter a line. A caption starts at the box's start, no wider than the box, and stays there
        while the table scrolls."""
        from tests.bottlenecks.helpers import report
        from tests.signals.conftest import file_signal
        from wijkverband.bottlenecks import services as bottlenecks

        world = self.world
        b = report(world, title="Avonddienst wijkverpleging onderbezet in de hele wijk en daarbuiten")
        b = bottlenecks.bottleneck_ask_owner(
            actor=world.maarten, bottleneck=b, version=b.version, candidate=world.pieter
        )
        b = bottlenecks.bottleneck_accept(actor=world.pieter, bottleneck=b, version=b.version)
        bottlenecks.bottleneck_escalate(actor=world.maarten, bottleneck=b, version=b.version, reason="Regionaal")
        file_signal(world, title="Lang wachten op een terugbelverzoek bij de huisartsenpost")
        fits = """() => [...document.querySelectorAll('.utrecht-table-container > table > caption')]
            .filter(c => !c.classList.contains('wv-visually-hidden'))
            .map(c => { const box = c.closest('.utrecht-table-container').getBoundingClientRect();
                        const r = c.getBoundingClientRect();
                        const above = c.closest('.utrecht-table-container').previousElementSibling;
                        return {text: c.textContent.trim(), x: r.x, right: r.right, box: [box.x, box.right],
                                lines: Math.round(r.height / parseFloat(getComputedStyle(c).lineHeight)),
                                gap: above ? r.top - above.getBoundingClientRect().bottom : null}; })"""
        page = self.page
        for person, paths in (
            (world.olga, ["/r/utrecht/bottlenecks/escalations/", "/r/utrecht/"]),
            (world.rosa, ["/t/oost/signals/"]),
        ):
            page.context.clear_cookies()
            self.sign_in(person, second_factor=person is not world.rosa)
            for path in paths:
                for viewport in (PHONE, DESKTOP):
                    page.set_viewport_size(viewport)
                    page.goto(self.url(path))
                    captions = page.evaluate(fits)
                    assert captions, path
                    for caption in captions:
                        box_x, box_right = caption["box"]
                        assert box_x - 1 <= caption["x"] and caption["right"] <= box_right + 1, (path, caption)
                        assert caption["lines"] <= 4, (path, viewport, caption)  # not a letter a line
                        # Room above it, as a sub-section's heading has: on a phone the region page's
                        # "Opgeschaalde knelpunten: …" stood right on "Naar de opschalingen".
                        assert caption["gap"] is None or caption["gap"] >= 12, (path, viewport, caption)
                    if viewport is DESKTOP:
                        # A row's line runs under its name too, not only under its other cells.
                        lines = page.evaluate(
                            """() => [...document.querySelectorAll('main tbody > tr')]
                                .filter(row => row.querySelector(':scope > th') && row.querySelector(':scope > td'))
                                .map(row => [row.querySelector(':scope > th'), row.querySelector(':scope > td')]
                                    .map(cell => getComputedStyle(cell).borderBottomWidth))"""
                        )
                        assert lines and all(th == td for th, td in lines), (path, lines)
                    if viewport is PHONE:
                        self.shoot(f"captions-{path.strip('/').replace('/', '-')}-phone")
                        # Scrolled sideways, the caption stays in view.
                        box = page.locator(".utrecht-table-container", has=page.locator("caption")).first
                        box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
                        assert page.evaluate(fits)[0]["x"] >= 0, path

    def test_a_signals_status_is_read_on_a_phone_without_scrolling_sideways(self):
        """Found by an exploratory test: the status column, what a representative opens the list
        for, was cut to "Opgep…" at the right of a table box that scrolled; and the status filter
        links ran into each other ("Wacht op de coördinator (1)Opgepakt als knelpunt (2)")."""
        from tests.signals.conftest import file_signal

        file_signal(self.world, title="Lang wachten op een terugbelverzoek bij de huisartsenpost")
        self.sign_in(self.world.rosa, second_factor=False)
        page = self.page
        page.set_viewport_size(PHONE)
        page.goto(self.url("/t/oost/signals/"))
        badge = page.locator("table .wv-badge").first.bounding_box()
        assert badge["x"] + badge["width"] <= PHONE["width"], badge
        links = page.locator("nav.wv-links a")
        first, second = links.nth(0).bounding_box(), links.nth(1).bounding_box()
        apart = second["x"] - (first["x"] + first["width"]) if second["y"] == first["y"] else 99
        assert apart >= 8, f"the status links touch ({apart}px)"
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        self.assert_accessible("phone-signals")

    def test_the_account_navigation_shows_the_current_page_on_a_phone(self):
        """Found by an exploratory test: the account's tab strip was 439 px in a 358 px box,
        scrolling sideways with nothing showing there was more. Wrapped, its tabs took two lines
        (52 px) above every account page. On a phone they are one line now, as the team's pages
        are, "Andere pagina’s" (the current page said to a screen reader), that opens to all of
        them; without JavaScript too."""
        self.sign_in(self.world.carla)
        page = self.page
        page.goto(self.url("/accounts/2fa/"))
        tabs = page.locator("nav.wv-account-nav > ul a")
        pages = [(tabs.nth(i).get_attribute("href"), tabs.nth(i).inner_text()) for i in range(tabs.count())]
        assert len(pages) == 5, pages
        current = {  # the four pages of the account; the fifth link leads to the notifications page
            "/accounts/2fa/": "Tweestapsverificatie",
            "/accounts/password/change/": "Wachtwoord wijzigen",
            "/accounts/email/": "E-mailadres",
            "/accounts/name/": "Je naam",
            "/accounts/2fa/webauthn/": "Tweestapsverificatie",  # a second factor's own page
        }
        page.set_viewport_size(PHONE)
        context = self.browser.new_context(
            locale="nl-NL", viewport=PHONE, java_script_enabled=False, storage_state=self.context.storage_state()
        )
        try:
            for browser_page in (page, context.new_page()):
                for path, name in current.items():
                    browser_page.goto(self.url(path))
                    nav = browser_page.get_by_role("navigation", name="Accountinstellingen")
                    summary = _assert_folded(browser_page, nav, path, name, height=45)
                # Every page is reachable: the line opens to all of them, the current one marked.
                browser_page.goto(self.url("/accounts/email/"))
                summary.click()
                links = nav.get_by_role("link")
                expect(links).to_have_count(len(pages))
                for i, (path, name) in enumerate(pages):
                    expect(links.nth(i)).to_be_visible()
                    expect(links.nth(i)).to_have_text(name)
                    assert links.nth(i).get_attribute("href") == path
                    assert links.nth(i).bounding_box()["height"] >= 24, name
                expect(nav.locator("details [aria-current='page']")).to_have_text("E-mailadres")
                links.nth(1).click()
                expect(browser_page).to_have_url(self.url(pages[1][0]))
        finally:
            context.close()
        page.goto(self.url("/accounts/password/change/"))
        self.shoot("account-nav-phone")
        page.get_by_role("navigation", name="Accountinstellingen").locator("summary").click()
        self.shoot("account-nav-phone-open")
        self.assert_accessible("account-nav-open", target_size=True)
        # By keyboard: Escape closes it, Enter opens it, Tab goes on to its first page.
        summary = page.locator("nav.wv-account-nav summary")
        summary.focus()
        page.keyboard.press("Escape")
        expect(page.locator("nav.wv-account-nav details")).not_to_have_attribute("open", "")
        page.keyboard.press("Enter")
        expect(page.locator("nav.wv-account-nav details")).to_have_attribute("open", "")
        page.keyboard.press("Tab")
        expect(page.locator("nav.wv-account-nav details a").first).to_be_focused()
        # A desktop keeps its row of tabs, on one line.
        page.set_viewport_size(DESKTOP)
        expect(summary).to_be_hidden()
        strip = page.locator("nav.wv-account-nav > ul")
        expect(strip).to_be_visible()
        tops = {round(tabs.nth(i).bounding_box()["y"]) for i in range(tabs.count())}
        assert len(tops) == 1, tops
        self.assert_accessible("account-nav-desktop", target_size=True)

    def test_the_bottleneck_lists_of_a_team_and_a_region_show_every_column_on_a_phone(self):
        """Found by an exploratory test: on a phone the team's bottleneck list showed only "Knelpunt"
        and "Status" (category, impact, owner and age out of sight, to the right of a box that
        scrolled with nothing showing it did), the status cut mid-word ("Opgeschaald naar de
        regi…"); the region's escalation queue showed "Knelpunt" and "Wijkverband", its teams and
        its signals the same. Each row is a block now, the item first and each cell saying which
        column it is in; a desktop keeps the tables with their header rows."""
        from tests.bottlenecks.helpers import report
        from tests.signals.conftest import file_signal
        from wijkverband.bottlenecks import services as bottlenecks

        world = self.world
        b = report(world, title="Avonddienst wijkverpleging onderbezet in de hele wijk en daarbuiten")
        b = bottlenecks.bottleneck_ask_owner(
            actor=world.maarten, bottleneck=b, version=b.version, candidate=world.pieter
        )
        b = bottlenecks.bottleneck_accept(actor=world.pieter, bottleneck=b, version=b.version)
        bottlenecks.bottleneck_escalate(actor=world.maarten, bottleneck=b, version=b.version, reason="Regionaal")
        report(world, title="Medicatieoverzicht komt te laat bij de apotheek", category_key="medicatie")
        file_signal(world, title="Lang wachten op een terugbelverzoek bij de huisartsenpost")
        # (person, path, table, the labels its first row says on a phone)
        pages = [
            (
                world.carla,
                "/t/oost/bottlenecks/",
                "table.wv-bottlenecks",
                ("Status:", "Categorie:", "Impact:", "Eigenaar: Pieter", "Leeftijd (dagen):", "Ook geraakt:"),
            ),
            (
                world.olga,
                "/r/utrecht/bottlenecks/escalations/",
                "table.wv-escalations",
                ("Wijkverband: Utrecht Oost", "Impact: Hoog", "Opgeschaald:", "Wacht:", "Regio: wacht op antwoord"),
            ),
            (world.olga, "/r/utrecht/", "table.wv-region-teams", ("Gemeente: Utrecht", "Kernpartijen:")),
            # The categories open across the region's teams scrolled sideways on a phone, its
            # "Waar" (the teams, linked) out of sight.
            (
                world.olga,
                "/r/utrecht/bottlenecks/patterns/",
                "table.wv-patterns",
                ("Open:", "Wijkverbanden:", "Waar: Utrecht Oost"),
            ),
            (
                world.olga,
                "/r/utrecht/signals/",
                "table.wv-region-signals",
                ("Wacht op de coördinator: 1", "Wacht sinds:"),
            ),
        ]
        page = self.page
        signed_in = None
        for person, path, table, labels in pages:
            if person is not signed_in:
                page.context.clear_cookies()
                self.sign_in(person)
                signed_in = person
            name = path.strip("/").replace("/", "-")
            page.set_viewport_size(PHONE)
            page.goto(self.url(path))
            rows = page.locator(f"{table} tbody tr")
            expect(rows.first).to_be_visible()
            self.shoot(f"list-{name}-phone")
            if path == "/t/oost/bottlenecks/":
                # Found by an exploratory test: the two downloads were buttons on lines of their
                # own under "Knelpunt melden" (200 px of actions); as links they wrap beside it.
                actions = page.locator("main > p.wv-actions").first.bounding_box()
                assert actions["height"] <= 140, f"the actions above the filter take {actions['height']:.0f}px"
                links = page.locator("main > p.wv-actions a[download]")
                expect(links).to_have_count(2)
                for i in range(2):
                    assert links.nth(i).bounding_box()["height"] >= 24, links.nth(i).inner_text()
            # Every cell of every row lies within the phone's width, in a box that does not scroll.
            box = page.locator(".utrecht-table-container", has=page.locator(table))
            sizes = box.evaluate("b => [b.scrollWidth, b.clientWidth]")
            assert sizes[0] <= sizes[1], f"{path}: {table} scrolls sideways in its box: {sizes}"
            for row in range(rows.count()):
                cells = rows.nth(row).locator("th, td")
                for i in range(cells.count()):
                    spot = cells.nth(i).bounding_box()
                    right = spot["x"] + spot["width"]
                    assert spot["x"] >= 0 and right <= PHONE["width"], f"{path}: row {row}, cell {i} at {spot}"
            # A status badge whole, not cut ("Opgeschaald naar de regi…").
            for badge in page.locator(f"{table} .wv-badge").all():
                spot = badge.bounding_box()
                assert spot["x"] + spot["width"] <= PHONE["width"], (path, badge.inner_text(), spot)
            # The item first, then its cells, each named: "Eigenaar: Pieter Apotheker".
            first = rows.first.inner_text()
            assert first.split("\n")[0] == rows.first.locator("th").inner_text().split("\n")[0], first
            assert all(label in " ".join(first.split()) for label in labels), (path, first)
            assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"], path
            self.assert_accessible(f"phone-list-{name}", target_size=True)
            # A desktop keeps the table: its header row in sight above the rows, no cell labels.
            page.set_viewport_size(DESKTOP)
            page.goto(self.url(path))
            headers = page.locator(f"{table} thead th")
            assert headers.count() >= 3, path
            top = rows.first.bounding_box()["y"]
            for i in range(headers.count()):
                expect(headers.nth(i)).to_be_visible()
                assert headers.nth(i).bounding_box()["y"] < top, (path, i)
            expect(page.locator(f"{table} .wv-cell-label").first).to_be_hidden()
            assert rows.first.evaluate("r => getComputedStyle(r).display") == "table-row", path
            self.shoot(f"list-{name}-desktop")

    def test_a_table_of_figures_that_scrolls_sideways_says_so(self):
        """Found by an exploratory test: the region's dashboard kept its tables of figures on a phone
        (fourteen columns to compare teams by), scrolling sideways in their boxes, but nothing showed
        there was more than the first two columns; and under each table's heading stood a large empty
        gap: the header row was as tall as its longest column name set a word a line (144 px), the
        names in sight at its bottom. On a phone each team is now a block of labelled figures
        (test_dashboard_phone.py), and up to a desktop's width too (a tablet, a phone held
        sideways: test_dashboard_tablet.py); on a desktop (1366 px) the overview is a table and still
        does not fit: a line above it says to scroll it (test_dashboard_tables.py), and the column
        names start close under its heading."""
        from tests.bottlenecks.helpers import report

        world = self.world
        report(world, title="Avonddienst wijkverpleging onderbezet")
        report(world, title="Nieuw knelpunt in Zuid", actor=world.bram, team=world.team_b)
        self.sign_in(world.olga)
        page = self.page
        hint = "Schuif de tabel opzij voor meer kolommen."
        narrow = {"width": 1366, "height": 900}
        for path in ("/r/utrecht/dashboard/",):
            page.set_viewport_size(narrow)
            page.goto(self.url(path))
            page.wait_for_timeout(300)  # app.js marks the boxes that scroll
            boxes = page.locator(".utrecht-table-container")
            assert boxes.count() >= 1, path
            self.shoot(f"figures-{path.strip('/').replace('/', '-')}-1366")
            scrolling = 0
            for i in range(boxes.count()):
                box = boxes.nth(i)
                line = box.locator("xpath=preceding-sibling::*[1]")
                expect(line).to_have_text(hint)
                sizes = box.evaluate("b => [b.scrollWidth, b.clientWidth]")
                if sizes[0] <= sizes[1]:  # a table that fits after all: no line says to scroll it
                    expect(line).to_be_hidden()
                    continue
                scrolling += 1
                # It scrolls, it says so right above it, and the keyboard can scroll it: named, focusable.
                expect(line).to_be_visible()
                assert line.bounding_box()["y"] + line.bounding_box()["height"] <= box.bounding_box()["y"], (path, i)
                assert box.get_attribute("tabindex") == "0", (path, i)
                assert box.get_attribute("aria-labelledby") or box.get_attribute("aria-label"), (path, i)
            assert scrolling, f"{path}: no table scrolls sideways at 1366 px"
            if path == "/r/utrecht/dashboard/":
                # The column names in sight start close under the table's heading (144 px down).
                teams = page.locator("table[data-table='teams']")
                heading = page.locator("#table-teams").bounding_box()
                name = teams.get_by_role("columnheader", name="Wijkverband", exact=True).locator("span")
                below = name.bounding_box()["y"] - (heading["y"] + heading["height"])
                assert below <= 100, f"the first column's name stands {below:.0f}px under the heading"
            assert page.evaluate("document.scrollingElement.scrollWidth") <= narrow["width"], path
            self.assert_accessible(f"1366-figures-{path.strip('/').replace('/', '-')}")
            # On a phone nothing scrolls and no line says so.
            page.set_viewport_size(PHONE)
            page.goto(self.url(path))
            page.wait_for_timeout(300)
            for i in range(boxes.count()):
                box = boxes.nth(i)
                assert box.evaluate("b => b.scrollWidth <= b.clientWidth"), (path, i)
                expect(box.locator("xpath=preceding-sibling::*[1]")).to_be_hidden()
            # On a desktop only above a table that still scrolls there (the dashboard's overview,
            # beside every region column), not above one that fits.
            page.set_viewport_size(DESKTOP)
            page.goto(self.url(path))
            for i in range(boxes.count()):
                box = boxes.nth(i)
                line = box.locator("xpath=preceding-sibling::*[1]")
                if box.evaluate("b => b.scrollWidth > b.clientWidth"):
                    expect(line).to_be_visible()
                else:
                    expect(line).to_be_hidden()
        # A phone held sideways (600 px): the patterns fit, and no line says to scroll them.
        page.set_viewport_size({"width": 600, "height": 390})
        page.goto(self.url("/r/utrecht/bottlenecks/patterns/"))
        box = page.locator(".utrecht-table-container").first
        assert box.evaluate("b => b.scrollWidth <= b.clientWidth"), "the patterns do not fit 600 px"
        expect(page.get_by_text(hint)).to_be_hidden()

    def test_the_agreements_list_and_versions_show_every_column_on_a_phone(self):
        """Found by an exploratory test: on a phone the versions table was 605 px wide in a 358 px
        box ("Instemmingen" and "Stand" off screen), the list's 850 px ("Ingestemd" and the status
        badges cut off), and each table's caption was centred over the whole table, off screen.
        Each row is a block now, each cell named, and the table's name stands at the start."""
        from tests.agreements.conftest import endorse_all, version_data
        from wijkverband.agreements import services as agreements

        world = self.world
        agreement = agreements.agreement_create(
            actor=world.carla,
            team=world.team_a,
            data=version_data(world, title="Medicatiebeoordeling thuis voor ouderen met polyfarmacie"),
        )
        for organisation in (world.gp_a, world.nursing_a, world.pharmacy):
            agreements.party_add_organisation(actor=world.carla, agreement=agreement, organisation=organisation)
        agreements.agreement_propose(actor=world.carla, agreement=agreement)
        agreement = endorse_all(world, agreement)
        agreements.agreement_edit(
            actor=world.carla,
            agreement=agreement,
            base_version=1,
            data=version_data(
                world,
                title="Medicatiebeoordeling thuis voor ouderen met polyfarmacie",
                body="Ook de huisarts beoordeelt.",
                change_note="De huisarts doet mee aan de beoordeling",
            ),
        )
        self.sign_in(world.carla)
        page = self.page
        pages = [
            ("agreements-list", "/t/oost/agreements/", "table.wv-agreements", 5),
            ("agreement-versions", f"/t/oost/agreements/{agreement.pk}/versions/", "table.wv-versions", 5),
        ]
        for viewport in (PHONE, DESKTOP):
            page.set_viewport_size(viewport)
            for name, path, table, columns in pages:
                page.goto(self.url(path))
                expect(page.locator(table)).to_be_visible()
                self.shoot(f"{name}-{'phone' if viewport is PHONE else 'desktop'}")
                # The table's name starts at the page's start, on screen.
                caption = page.locator(".wv-table-caption").first.bounding_box()
                assert 0 <= caption["x"] and caption["x"] + caption["width"] <= viewport["width"], (path, caption)
                box = page.locator(".utrecht-table-container", has=page.locator(table)).bounding_box()
                for row in range(page.locator(f"{table} tbody tr").count()):
                    cells = page.locator(f"{table} tbody tr").nth(row).locator("th, td")
                    assert cells.count() == columns, (path, row)
                    for i in range(columns):
                        cell = cells.nth(i)
                        spot = cell.bounding_box()
                        assert spot is not None and spot["width"] > 0, (path, row, i)
                        right = spot["x"] + spot["width"]
                        assert right <= box["x"] + box["width"] + 1, f"{path}: row {row}, column {i} is off screen"
                        assert right <= viewport["width"], f"{path}: row {row}, column {i} is off screen ({right}px)"
                if viewport is PHONE:
                    # One under the other, none running over the next.
                    cells = page.locator(f"{table} tbody tr").first.locator("th, td")
                    spots = [cells.nth(i).bounding_box() for i in range(columns)]
                    for above, below in zip(spots, spots[1:], strict=False):
                        assert above["y"] + above["height"] <= below["y"] + 1, (path, above, below)
                    text = page.locator(f"{table} tbody tr").first.inner_text()
                    named = ("Ingestemd:", "Eigenaar:") if name == "agreements-list" else ("Instemmingen:", "Stand:")
                    assert all(label in text for label in named), text
                    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
                    if name == "agreements-list":
                        # Found by an exploratory test: the list's five filters stood open above it,
                        # its first agreement at the bottom of the first screen. All but the search
                        # fold under "Meer filters", which opens to them within the phone's width.
                        first = page.locator(f"{table} tbody tr").first.bounding_box()
                        assert first["y"] + first["height"] <= PHONE["height"], f"the first agreement ends at {first}"
                        status = page.get_by_label("Status", exact=True)
                        expect(status).to_be_hidden()
                        page.get_by_text("Meer filters", exact=True).click()
                        expect(status).to_be_visible()
                        for field in ("Status", "Partij", "Eigenaar"):
                            spot = page.get_by_label(field, exact=True).bounding_box()
                            assert spot["x"] >= 0 and spot["x"] + spot["width"] <= PHONE["width"], (field, spot)
                        self.assert_accessible("agreements-list-filters-open", target_size=True)
                else:  # the desktop's table keeps its headers and no cell labels
                    assert page.locator(f"{table} thead th").first.is_visible()
                    assert not page.locator(f"{table} .wv-cell-label").first.is_visible()
                self.assert_accessible(f"{name}-{viewport['width']}")

    def test_the_main_pages_reflow_at_four_times_zoom(self):
        """WCAG 1.4.10: a 1280 px window zoomed to 400 % is 320 CSS px wide and 256 tall. Nothing
        may need sideways scrolling there but a data table, in its own box. Found by an exploratory
        test: the members page's role form ran 65 px past the edge, cutting off "Rol wijzigen"; with
        wider text spacing, a wijk card entry's "Bevestigen: klopt nog" ran 8 px past it."""
        from datetime import timedelta

        from django.utils import timezone

        from tests.wijkcard.conftest import add_entry

        # A stale entry: its card offers "Bevestigen: klopt nog" and "Wijzigen".
        add_entry(self.world, confirmed_on=timezone.localdate() - timedelta(days=400))
        self.sign_in(self.world.carla)
        page = self.page
        page.set_viewport_size({"width": 320, "height": 256})
        # WCAG 1.4.12: text spacing as a reader's own style sheet may set it (through the CSSOM:
        # the page's CSP refuses an inline style sheet).
        spacing = """() => { for (const e of document.querySelectorAll("body *")) {
            e.style.setProperty("line-height", "1.5", "important");
            e.style.setProperty("letter-spacing", "0.12em", "important");
            e.style.setProperty("word-spacing", "0.16em", "important");
            if (e.tagName === "P") e.style.setProperty("margin-block-end", "2em", "important");
        } }"""
        for name, path in PAGES:
            page.goto(self.url(path))
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            for spaced in (False, True):
                if spaced:
                    page.evaluate(spacing)
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > 320:
                    self.shoot(f"{name}-320{'-spaced' if spaced else ''}")
                assert width <= 320, f"{path}: the page scrolls sideways at 320 px ({width}px, spaced: {spaced})"

    def test_a_role_that_needs_an_organisation_asks_for_it_on_a_phone(self):
        """The members list's role change for a client representative who becomes a member: the
        page that asks for the organisation fits a phone, passes axe, and finishes the change."""
        from wijkverband.tenancy.models import Membership

        self.sign_in(self.world.carla)
        page = self.page
        page.set_viewport_size(PHONE)
        page.goto(self.url("/t/oost/members/"))
        page.get_by_label("Rol van Rosa Vertegenwoordiger").select_option("member")
        page.get_by_role("button", name="Rol wijzigen van Rosa Vertegenwoordiger").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Rol van Rosa Vertegenwoordiger")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the page scrolls sideways ({width}px)"
        self.shoot("member-role-phone")
        self.assert_accessible("phone-member-role")
        page.get_by_label("Organisatie").select_option(label="Welzijn Oost")
        page.get_by_role("button", name="Rol wijzigen").click()
        expect(page.locator(".wv-messages")).to_contain_text("Rosa Vertegenwoordiger")
        rosa = Membership.objects.get(team=self.world.team_a, user=self.world.rosa)
        assert (rosa.role, rosa.organisation_id) == ("member", self.world.social_a.pk)

    def test_a_very_long_name_or_address_stays_within_a_phone_on_the_members_page(self):
        """A name of 150 characters without a space (the longest a name may be) and a long invited
        address wrap inside their card; the other names still break only between words."""
        from wijkverband.tenancy import services as tenancy

        long_name = "Lang" * 37 + "na"  # 150 characters, no space
        self.world.maarten.name = long_name
        self.world.maarten.save(update_fields=["name"])
        tenancy.invitation_create(
            actor=self.world.carla,
            team=self.world.team_a,
            email="een.heel.lang.adres.van.iemand.die.nog.komt@huisartsenpraktijk-utrecht-oost.nl",
            role="member",
            organisation=self.world.gp_a,
        )
        self.sign_in(self.world.carla)
        page = self.page
        page.set_viewport_size(PHONE)
        page.goto(self.url("/t/oost/members/"))
        expect(page.get_by_text(long_name[:20], exact=False).first).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the members page scrolls sideways ({width}px)"
        broken = [word for word in broken_words(page, ".wv-member__name") if long_name not in word]
        assert broken == [], f"names break inside a word: {broken}"
        self.shoot("members-long-name-phone")

    def test_the_thread_list_shows_what_is_unread_on_a_phone_and_long_content_stays_in_the_page(self):
        """Found by exploratory tests: on a phone the list's unread count sat 500 px to the right,
        behind a sideways swipe; a title of 150 characters without a space pushed the desktop
        table to 1,780 px; a 400-character code block made a thread 3,000 px wide."""
        import uuid

        from wijkverband.threads import services as threads

        title = "Lange inhoud " + "x" * 150
        long_one = threads.thread_create(actor=self.world.maarten, team=self.world.team_a, title=title[:200])
        busy = threads.thread_create(actor=self.world.maarten, team=self.world.team_a, title="Avonddienst")
        for i in range(3):
            threads.message_post(actor=self.world.maarten, thread=busy, body=f"Bericht {i}", client_id=uuid.uuid4())
        threads.message_post(
            actor=self.world.maarten,
            thread=long_one,
            body="```\n" + "verbinding-" * 40 + "\n```",
            client_id=uuid.uuid4(),
        )
        self.sign_in(self.world.carla)
        page = self.page
        for size in (PHONE, DESKTOP):
            page.set_viewport_size(size)
            page.goto(self.url("/t/oost/threads/"))
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= size["width"], f"the thread list scrolls sideways at {size['width']} ({width}px)"
            table = page.locator("table.wv-threads")
            box = table.bounding_box()
            container = page.locator(".utrecht-table-container").first.bounding_box()
            assert box["width"] <= container["width"] + 1, (size, box, container)
            row = page.locator("tr", has_text="Avonddienst")
            unread = row.get_by_text("3 ongelezen") if size is PHONE else row.locator("td").nth(3)
            unread.scroll_into_view_if_needed()
            expect(unread).to_be_in_viewport()
            spot = unread.bounding_box()
            assert spot["x"] + spot["width"] <= container["x"] + container["width"] + 1, (size, spot)
            # The newest message under each title: one line, in the table's box (its long unbroken
            # code cut with "…", not a table as wide as the code).
            for preview, text in ((row, "Maarten Lid: Bericht 2"), (page.locator("tr", has_text="Lange inhoud"), "…")):
                line = preview.locator(".wv-threads__preview")
                expect(line).to_contain_text(text)
                spot = line.bounding_box()
                assert spot["height"] <= 1.6 * line.evaluate("(e) => parseFloat(getComputedStyle(e).fontSize)"), spot
                assert spot["x"] + spot["width"] <= container["x"] + container["width"] + 1, (size, spot)
            self.assert_accessible(f"thread-list-{size['width']}")
            page.goto(self.url(f"/t/oost/threads/{long_one.pk}/"))
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= size["width"], f"the thread scrolls sideways at {size['width']} ({width}px)"
        self.shoot("thread-list-phone")

    def test_the_start_pages_sections_stand_apart_from_the_welcome(self):
        """Found by an exploratory test at 390 × 844: a client representative's start page had "Je
        wijkverbanden" right under "Welkom, Rosa", as if it were its subtitle; only "Voor jou" (whom
        work waits on) had the room of a page section. Every section of the start page has it now,
        for a representative (teams only), an overseer (regions) and a coordinator (work and teams)."""
        world = self.world
        page = self.page
        page.set_viewport_size(PHONE)
        for person in (world.rosa, world.olga, world.carla):
            self.context.clear_cookies()
            self.sign_in(person, second_factor=person is not world.rosa)
            gaps = page.evaluate(
                """() => [...document.querySelectorAll('main h2')].map((heading) => {
                    const above = heading.closest('section').previousElementSibling;
                    return [heading.textContent.trim(),
                            heading.getBoundingClientRect().top - above.getBoundingClientRect().bottom];
                })"""
            )
            assert gaps and all(gap >= 24 for _heading, gap in gaps), (person.email, gaps)

    def test_chromium_reads_the_apps_manifest_in_the_persons_language(self):
        """What Chrome on Android reads before it offers "Install app" (or "Add to home screen"): the
        manifest the page names, as Chromium itself parsed it (over the DevTools protocol), on the
        sign-in page, where someone not yet signed in adds it, and signed in. It is fetched with the
        language's cookie, so the app's shortcuts are in the language the person chose."""
        page = self.page
        page.set_viewport_size(PHONE)
        devtools = self.context.new_cdp_session(page)
        origin = self.url("/")

        def parsed() -> dict:
            page.wait_for_load_state("load")
            answer = devtools.send("Page.getAppManifest")
            assert answer["url"] == self.url("/manifest.webmanifest") and answer["errors"] == [], answer
            return answer["manifest"]

        page.goto(self.url("/accounts/login/"))
        manifest = parsed()
        assert manifest["display"] == "kStandalone" and manifest["name"] == "Wijkverband"
        assert manifest["id"] == manifest["startUrl"] == manifest["scope"] == origin
        assert manifest["themeColor"] == "rgba(11,92,107,1)"  # the header's #0b5c6b
        assert {(icon["sizes"], icon["type"]) for icon in manifest["icons"]} >= {
            ("192x192", "image/png"),
            ("512x512", "image/png"),
        }
        assert [s["name"] for s in manifest["shortcuts"]] == ["Mijn werk", "Meldingen", "Zoeken"]

        self.sign_in(self.world.maarten)
        page.get_by_label("Taal").select_option("en")  # the footer's language switch
        page.get_by_role("button", name="Wissel").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        manifest = parsed()
        assert [s["name"] for s in manifest["shortcuts"]] == ["My work", "Notifications", "Search"]
        assert manifest["description"] == "The shared workplace of a neighbourhood care team."
        devtools.detach()

    def test_every_heading_and_caption_is_in_the_apps_typeface_and_steps_down_in_size(self):
        """On a phone and a desktop: h1 larger than h2 larger than h3, and table captions in the
        theme's typeface (the design tokens' serif showed on the team home's tables)."""
        self.sign_in(self.world.carla)
        page = self.page
        for viewport in (PHONE, DESKTOP):
            page.set_viewport_size(viewport)
            page.goto(self.url("/t/oost/"))
            sizes = page.evaluate(
                """() => ['h1', 'h2', 'h3'].map(tag => {
                    const el = document.querySelector('main ' + tag);
                    return el ? parseFloat(getComputedStyle(el).fontSize) : null;
                })"""
            )
            assert None not in sizes and sizes[0] > sizes[1] > sizes[2], f"{viewport}: {sizes}"
            # A table's caption is no larger than a sub-section's heading: on a phone the theme's
            # caption (1.5rem) stood larger than the section's h2 above it.
            captions = page.evaluate(
                """() => [...document.querySelectorAll('main caption:not(.wv-visually-hidden)')]
                    .map(el => parseFloat(getComputedStyle(el).fontSize))"""
            )
            assert captions and max(captions) <= sizes[2], f"{viewport}: captions {captions}, h3 {sizes[2]}"
            fonts = page.evaluate(
                """() => [...document.querySelectorAll('main caption, main h1, main h2')]
                    .map(el => getComputedStyle(el).fontFamily)"""
            )
            assert fonts and all("serif" not in f or "sans-serif" in f for f in fonts), fonts
            assert all("Noto Serif" not in f for f in fonts), fonts

    def test_an_agreements_parties_and_measurements_show_every_column_on_a_phone_and_print_as_tables(self):
        """Found by an exploratory test: on a phone the parties table was 617 px wide in a 358 px box
        (only "Partij" and part of "Soort" showed, "Cliëntvertegenwoordig…"; "Besluit" and "Acties"
        off to the right), on the agreement and on its accountability page; an indicator's
        measurements 492 px. Their rows are blocks now, each cell named, as the versions table's;
        on paper they stay tables."""
        from datetime import timedelta
        from decimal import Decimal

        from django.utils import timezone

        from tests.agreements.conftest import version_data
        from wijkverband.agreements import services as agreements
        from wijkverband.agreements.models import PartyKind

        world = self.world
        agreement = agreements.agreement_create(actor=world.carla, team=world.team_a, data=version_data(world))
        for organisation in (world.gp_a, world.nursing_a, world.pharmacy):
            agreements.party_add_organisation(actor=world.carla, agreement=agreement, organisation=organisation)
        agreements.party_add_external(
            actor=world.carla, agreement=agreement, kind=PartyKind.CLIENT_REPRESENTATION, name="Cliëntenraad Oost"
        )
        indicator = agreements.indicator_create(
            actor=world.carla,
            agreement=agreement,
            name="Medicatiebeoordelingen binnen een week",
            dimension="quality",
            unit="%",
            baseline=40,
            target=80,
            frequency="monthly",
        )
        today = timezone.localdate()
        for days, value, note in (
            (40, Decimal("55"), ""),
            (10, Decimal("62.5"), "Na de scholing van de wijkverpleging"),
        ):
            agreements.measurement_record(
                actor=world.carla, indicator=indicator, value=value, measured_on=today - timedelta(days=days), note=note
            )
        agreement = agreements.agreement_propose(actor=world.carla, agreement=agreement)
        agreements.endorsement_record(actor=world.carla, agreement=agreement, version_number=1, decision="endorsed")
        self.sign_in(world.carla)
        page = self.page
        page.set_viewport_size(PHONE)
        tables = {"table.wv-parties": ("Soort:", "Besluit:"), "table.wv-measurements": ("Waarde (%):", "Streefwaarde:")}
        for name, path in (
            ("agreement-tables", f"/t/oost/agreements/{agreement.pk}/"),
            ("agreement-print", f"/t/oost/agreements/{agreement.pk}/print/"),
        ):
            page.goto(self.url(path))
            expect(page.locator("table.wv-parties")).to_contain_text("Cliëntenraad Oost")
            self.shoot(f"{name}-phone")
            for table, labels in tables.items():
                box = page.locator(".utrecht-table-container", has=page.locator(table))
                sizes = box.evaluate("b => [b.scrollWidth, b.clientWidth]")
                assert sizes[0] <= sizes[1], f"{path}: {table} is wider than its box: {sizes}"
                edge = box.bounding_box()
                edge = min(edge["x"] + edge["width"], PHONE["width"])
                rows = page.locator(f"{table} tbody tr")
                assert rows.count() >= 2, (path, table)
                for row in range(rows.count()):
                    cells = rows.nth(row).locator("th, td")
                    for i in range(cells.count()):
                        spot = cells.nth(i).bounding_box()
                        assert spot is not None and spot["x"] >= 0, (path, table, row, i)
                        right = spot["x"] + spot["width"]
                        assert right <= edge + 1, f"{path}: {table} row {row}, cell {i} is off screen ({right}px)"
                text = rows.first.inner_text()
                assert all(label in text for label in labels), (path, text)
            self.assert_accessible(name)
        # On paper (the accountability page printed, from a phone too) both are tables with headers.
        page.emulate_media(media="print")
        for table in tables:
            shown = page.locator(table).evaluate(
                """t => [getComputedStyle(t.tBodies[0].rows[0]).display,
                         getComputedStyle(t.tHead.rows[0].cells[0]).display,
                         getComputedStyle(t.querySelector('.wv-cell-label')).display]"""
            )
            assert shown == ["table-row", "table-cell", "none"], (table, shown)
        page.emulate_media(media="screen")

    def test_the_team_navigation_shows_the_current_page_on_a_phone(self):
        """Found by an exploratory test: the team's tabs were a 991 px strip in a 358 px box that
        scrolled sideways with nothing showing it did; the current page's tab was cut
        ("Samenwer…") or out of sight ("Leden" on the members page). Wrapped, they took four lines
        (100 px) above every team page, a discussion's messages too. On a phone they are one line
        now, "Andere pagina’s" (the current page said to a screen reader: the eye read "Knelpunten"
        right under the heading "Knelpunten"), that opens to all of them; without JavaScript too."""
        self.sign_in(self.world.carla)
        page = self.page
        page.goto(self.url("/t/oost/"))
        tabs = page.locator("nav.wv-team-nav .wv-team-nav__tabs a")
        pages = [(tabs.nth(i).get_attribute("href"), tabs.nth(i).inner_text()) for i in range(tabs.count())]
        assert len(pages) >= 8, pages
        page.set_viewport_size(PHONE)
        context = self.browser.new_context(
            locale="nl-NL", viewport=PHONE, java_script_enabled=False, storage_state=self.context.storage_state()
        )
        try:
            for browser_page in (page, context.new_page()):
                for path, name in pages:
                    browser_page.goto(self.url(path))
                    nav = browser_page.get_by_role("navigation", name="Pagina’s van Utrecht Oost")
                    summary = _assert_folded(browser_page, nav, path, name, height=60)
                # Every page is reachable: the line opens to all of them, the current one marked.
                summary.click()
                links = nav.get_by_role("link")
                expect(links).to_have_count(len(pages))
                for i, (path, name) in enumerate(pages):
                    expect(links.nth(i)).to_be_visible()
                    expect(links.nth(i)).to_have_text(name)
                    assert links.nth(i).get_attribute("href") == path
                    assert links.nth(i).bounding_box()["height"] >= 24, name
                expect(nav.locator("details [aria-current='page']")).to_have_text(pages[-1][1])
                links.nth(2).click()
                expect(browser_page).to_have_url(self.url(pages[2][0]))
        finally:
            context.close()
        page.goto(self.url("/t/oost/members/"))
        self.shoot("team-nav-members-phone")
        page.get_by_role("navigation", name="Pagina’s van Utrecht Oost").locator("summary").click()
        self.shoot("team-nav-members-phone-open")
        self.assert_accessible("team-nav-open", target_size=True)
        # By keyboard: Enter opens it, Escape closes it and leaves focus on its line.
        summary = page.locator("nav.wv-team-nav summary")
        summary.focus()
        page.keyboard.press("Escape")
        expect(page.locator("nav.wv-team-nav details")).not_to_have_attribute("open", "")
        page.keyboard.press("Enter")
        expect(page.locator("nav.wv-team-nav details")).to_have_attribute("open", "")
        page.keyboard.press("Tab")
        expect(page.get_by_role("link", name="Overzicht", exact=True)).to_be_focused()
        # A desktop keeps its row of tabs.
        page.set_viewport_size(DESKTOP)
        expect(summary).to_be_hidden()
        expect(page.locator("nav.wv-team-nav .wv-team-nav__tabs")).to_be_visible()

    def test_the_header_is_one_row_on_a_phone_with_the_rest_in_a_menu(self):
        """Found by an exploratory test: on a phone the header took 217 px (the brand, the team
        switcher, the name, "Mijn werk", "Meldingen", "Zoeken", "Account" and a big "Afmelden" on
        five lines), and a discussion's first message began 520 px down. Now one row: the brand,
        "Mijn werk" and "Meldingen" with their counts, and a "Menu" (a <details>, also without
        JavaScript) with the teams, the account, search and signing out."""
        import uuid

        from tests.work.notices import unread_notices
        from wijkverband.threads import services as threads
        from wijkverband.work.models import Notice

        thread = threads.thread_create(actor=self.world.maarten, team=self.world.team_a, title="Algemeen")
        threads.message_post(actor=self.world.maarten, thread=thread, body="Goedemorgen", client_id=uuid.uuid4())
        Notice.objects.filter(user=self.world.carla).delete()
        unread_notices(self.world, 3, user=self.world.carla, actor=self.world.maarten)
        self.sign_in(self.world.carla)
        page = self.page
        page.set_viewport_size(PHONE)
        context = self.browser.new_context(
            locale="nl-NL", viewport=PHONE, java_script_enabled=False, storage_state=self.context.storage_state()
        )
        try:
            for browser_page in (page, context.new_page()):
                browser_page.goto(self.url(f"/t/oost/threads/{thread.pk}/"))
                header = browser_page.locator("header.wv-header")
                assert header.bounding_box()["height"] <= 60, header.bounding_box()
                account = browser_page.get_by_role("navigation", name="Je account")
                # Their names as before: "Meldingen 1 nieuw" (its "nieuw" read, not shown).
                for name in ("^Wijkverband$", r"^Mijn werk( \d+ gevraagd van jou)?$", "^Meldingen 3 nieuw$"):
                    link = browser_page.get_by_role("banner").get_by_role("link", name=re.compile(name))
                    expect(link).to_be_visible()
                    spot = link.bounding_box()
                    assert spot["y"] + spot["height"] <= 60 and spot["height"] >= 24, (name, spot)
                    assert spot["x"] + spot["width"] <= PHONE["width"], (name, spot)
                # The discussion starts high in the first screen (it began about 660 px down).
                message = browser_page.locator(".wv-message").first.bounding_box()
                top = message["y"] + browser_page.evaluate("scrollY")
                assert top <= 480, f"the first message begins {top:.0f}px down"
                for hidden in ("Account", "Zoeken"):
                    expect(account.get_by_role("link", name=hidden, exact=True)).to_be_hidden()
                expect(browser_page.get_by_role("button", name="Afmelden")).to_be_hidden()
                menu = account.locator("summary", has_text="Menu")
                menu.click()
                for name in ("Account", "Zoeken"):
                    expect(account.get_by_role("link", name=name, exact=True)).to_be_visible()
                expect(account.get_by_role("link", name=re.compile(r"^Utrecht Oost \("))).to_be_visible()
                expect(browser_page.get_by_role("button", name="Afmelden")).to_be_visible()
                assert browser_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
                account.get_by_role("link", name="Zoeken", exact=True).click()
                expect(browser_page.get_by_role("heading", level=1)).to_have_text("Zoeken")
        finally:
            context.close()
        # By keyboard: Enter opens the menu, Tab goes through it (focus in sight), Escape closes
        # it and returns focus to it.
        menu = page.locator("details.wv-menu")
        menu.locator("summary").focus()
        page.keyboard.press("Enter")
        expect(menu).to_have_attribute("open", "")
        self.shoot("header-menu-open-phone")
        self.assert_accessible("header-menu-open", target_size=True)
        page.keyboard.press("Tab")
        expect(page.get_by_role("link", name=re.compile(r"^Utrecht Oost \("))).to_be_focused()
        page.keyboard.press("Escape")
        expect(menu).not_to_have_attribute("open", "")
        expect(menu.locator("summary")).to_be_focused()
        # A desktop keeps its header: no menu, everything in sight.
        page.set_viewport_size(DESKTOP)
        expect(menu).to_be_hidden()
        banner = page.get_by_role("banner")
        expect(banner.get_by_role("link", name="Account", exact=True)).to_be_visible()
        expect(banner.get_by_role("button", name="Zoeken", exact=True)).to_be_visible()
        expect(banner.get_by_role("button", name="Afmelden")).to_be_visible()
        # Signing out from the phone's menu.
        page.set_viewport_size(PHONE)
        menu.locator("summary").click()
        banner.get_by_role("button", name="Afmelden").click()
        expect(page).to_have_url(re.compile(r"/accounts/login/"))

    def test_checkboxes_radio_buttons_and_lone_links_are_targets_large_enough_on_a_phone(self):
        """Found by an exploratory test with axe's target size rule (WCAG 2.5.8): the browser's
        13 × 13 px checkboxes and radio buttons close under each other (the digest's choices, the
        kinds of provider a bottleneck affects, and every other form's), and the team home's
        discussion links, 16 px high, close over "Alle 2 gesprekken"."""
        import uuid

        from wijkverband.threads import services as threads

        for title in ("Algemeen", "Avonddienst"):
            thread = threads.thread_create(actor=self.world.maarten, team=self.world.team_a, title=title)
            threads.message_post(actor=self.world.maarten, thread=thread, body="Goedemorgen", client_id=uuid.uuid4())
        threads.message_post(  # a notice for Carla: the notifications page has its "mark all" button
            actor=self.world.maarten, thread=thread, body="@carla kun je kijken?", client_id=uuid.uuid4()
        )
        self.sign_in(self.world.carla)
        page = self.page
        page.set_viewport_size(PHONE)
        for name, path in (
            ("notifications", "/notifications/"),
            ("bottleneck-form", "/t/oost/bottlenecks/new/"),
            ("team-home", "/t/oost/"),
        ):
            page.goto(self.url(path))
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            self.assert_accessible(f"target-size-{name}", target_size=True)
            assert page.evaluate(_CONTROLS_ON_TEXT) == [], path  # ("Alles als gelezen markeren" too)
        page.goto(self.url("/t/oost/bottlenecks/new/"))
        spot = page.locator("input[type='checkbox']").first.bounding_box()
        assert spot["width"] >= 24 and spot["height"] >= 24, spot

    def test_a_refused_role_change_is_said_at_its_select_on_a_phone(self):
        """The last coordinator made member: the refusal stood in the page's alerts at the top, far
        from the member it was about, and no field was marked. Now the error summary takes the
        focus and links to that member's role select, which is marked and has its message beside it."""
        from wijkverband.tenancy.models import Membership

        carla_in_a = Membership.objects.get(team=self.world.team_a, user=self.world.carla)
        self.sign_in(self.world.carla)
        page = self.page
        page.set_viewport_size(PHONE)
        page.goto(self.url("/t/oost/members/"))
        select = page.locator(f"#role-{carla_in_a.pk}")
        select.select_option("member")
        page.get_by_role("button", name="Rol wijzigen van Carla Coördinator").click()
        summary = page.locator("[data-error-summary]")
        expect(summary).to_be_focused()
        expect(page).to_have_title(re.compile("^Fout: Leden"))
        link = summary.get_by_role("link", name=re.compile("heeft een coördinator nodig"))
        self.shoot("members-role-refused-phone")
        self.assert_accessible("members-role-refused", target_size=True)
        link.click()
        expect(select).to_be_focused()
        expect(select).to_have_attribute("aria-invalid", "true")
        expect(select).to_have_accessible_description(re.compile("heeft een coördinator nodig"))
        expect(select).to_have_value("member")  # what she chose is kept
        # Its message right above it: the gap between them (measured at once, the page may scroll).
        gap = select.evaluate(
            "s => s.getBoundingClientRect().top"
            " - document.getElementById(s.id + '-error').getBoundingClientRect().bottom"
        )
        assert 0 <= gap <= 24, gap
        assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
        carla_in_a.refresh_from_db()
        assert carla_in_a.role == "coordinator"

    def test_a_table_box_that_does_not_scroll_is_no_tab_stop(self):
        """The stacked lists (wv-table--stacked) kept the tab stop of a box that scrolls sideways on a
        phone, where they no longer scroll: Tab stopped on the whole list and did nothing there. The
        same on a desktop, where they fit. Tab goes from the page's links into the table's now; a box
        that does scroll (the region dashboard's overview at 700 px) keeps its stop."""
        from tests.agreements.conftest import version_data
        from wijkverband.agreements import services as agreements

        world = self.world
        agreement = agreements.agreement_create(actor=world.carla, team=world.team_a, data=version_data(world))
        for organisation in (world.gp_a, world.nursing_a):
            agreements.party_add_organisation(actor=world.carla, agreement=agreement, organisation=organisation)
        self.sign_in(world.carla)
        page = self.page
        walk = """() => {
            const el = document.activeElement;
            return {box: el.classList.contains('utrecht-table-container'), inTable: !!el.closest('table'),
                    footer: !!el.closest('footer'), what: el.outerHTML.slice(0, 90)};
        }"""
        for viewport in (PHONE, DESKTOP):
            for path in ("/t/oost/agreements/", f"/t/oost/agreements/{agreement.pk}/"):
                page.set_viewport_size(viewport)
                page.goto(self.url(path))
                boxes = page.locator("main .utrecht-table-container:has(table.wv-table--stacked)")
                assert boxes.count() >= 1, path
                stops, into_table = [], False
                for _ in range(150):
                    page.keyboard.press("Tab")
                    now = page.evaluate(walk)
                    if now["footer"]:
                        break
                    stops.append(now["what"])
                    assert not now["box"], f"{path} at {viewport['width']}px: Tab stops on a table's box: {stops}"
                    into_table = into_table or now["inTable"]
                # The list's table holds links (the parties' table of a concept nothing to press).
                assert into_table or path != "/t/oost/agreements/", (
                    f"{path} at {viewport['width']}px: Tab never reached the table: {stops}"
                )
                for i in range(boxes.count()):
                    expect(boxes.nth(i)).not_to_have_attribute("tabindex", re.compile(".*"))
                if viewport is PHONE:
                    self.assert_accessible(f"phone-no-tab-stop-{path.strip('/').replace('/', '-')}", target_size=True)
        # A box that does scroll keeps its stop (named by its caption): the dashboard's overview on a
        # desktop, still wider than the page (on a phone and a tablet its rows are blocks).
        page.context.clear_cookies()
        self.sign_in(world.olga)
        page.set_viewport_size({"width": 1366, "height": 900})
        page.goto(self.url("/r/utrecht/dashboard/"))
        page.wait_for_timeout(300)
        scrolling = page.locator(".utrecht-table-container[tabindex='0']")
        assert scrolling.count() >= 1
        assert scrolling.first.evaluate("b => b.scrollWidth > b.clientWidth")
        scrolling.first.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("b => b.scrollLeft > 0", arg=scrolling.first.element_handle())
