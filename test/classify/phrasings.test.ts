import { describe, expect, it } from "vitest";
import { createClassifier, loadTaxonomy, type TopicId } from "../../src/classify/index.js";

/**
 * How real news leads phrase the topics (issue 11): rights cases told through a punishment or a
 * named prisoner, elections through run-offs and coalition talks, security through weapons
 * systems and deployments, sanctions through companies leaving a market, aid through rescue and
 * relief; and idioms that share a word with a topic. Self-written leads, one per phrasing.
 */
const classifier = createClassifier(loadTaxonomy());

function topics(language: string, title: string, text: string): TopicId[] {
  return classifier.classify({ title, text, language }).topics.map((t) => t.id);
}

type Case = [lang: string, title: string, text: string, topic: TopicId];

const tagged: Case[] = [
  [
    "en",
    "Pyongyang parades new missiles as Kim Jong Un warns Seoul",
    "The parade showed launchers able to reach the US mainland.",
    "security-defence",
  ],
  [
    "en",
    "Two dead in campus shooting, suspect detained",
    "Police said the gunman opened fire outside a dormitory.",
    "security-defence",
  ],
  [
    "fr",
    "Le gouvernement veut réarmer la France malgré la dette",
    "Le soutien militaire à l'Ukraine et l'effort de défense pèsent sur le budget.",
    "security-defence",
  ],
  [
    "fr",
    "Des hackeurs iraniens revendiquent le piratage d'un ministre",
    "Le groupe serait lié au renseignement militaire de Téhéran.",
    "security-defence",
  ],
  [
    "fr",
    "Une voiture a foncé sur la foule d'un marché de Noël",
    "Le conducteur a été arrêté ; le parquet antiterroriste n'est pas saisi.",
    "security-defence",
  ],
  [
    "fr",
    "L'assemblée générale de l'ONU adopte une déclaration sur deux États",
    "Le texte a été voté par 142 pays.",
    "un-multilateral",
  ],
  [
    "fr",
    "L'organisation onusienne pour l'enfance se restructure",
    "L'Unicef supprime 290 postes à Genève pour réaliser des économies.",
    "un-multilateral",
  ],
  [
    "de",
    "Todesfahrt von Magdeburg: Was über den Attentäter bekannt ist",
    "Die Ermittler prüfen das Motiv.",
    "security-defence",
  ],
  ["en", "IAEA inspectors denied access to Iranian nuclear site", "", "un-multilateral"],
  ["fr", "Les États-Unis annoncent leur retrait de l'accord de Paris", "", "un-multilateral"],
  [
    "en",
    "Saudi blogger sentenced to 1,000 lashes",
    "The blogger was flogged in public after being convicted of insulting Islam.",
    "human-rights",
  ],
  [
    "en",
    "Iran hangs protester after closed-door trial",
    "The man was hanged at dawn, rights groups said.",
    "human-rights",
  ],
  [
    "en",
    "Belarus frees dozens of political detainees in amnesty",
    "Lukashenko pardoned 30 prisoners.",
    "human-rights",
  ],
  [
    "en",
    "Migrant workers died building World Cup stadiums, report says",
    "Labour rights groups documented wage theft and forced labour.",
    "human-rights",
  ],
  [
    "en",
    "Kremlin critic Kara-Murza sentenced to 25 years",
    "The opposition politician was convicted of treason.",
    "human-rights",
  ],
  [
    "en",
    "Opposition leader concedes after run-off",
    "The incumbent won a second term with 54% of the vote.",
    "democracy-elections",
  ],
  [
    "en",
    "Coalition talks stall as far-right party tops polls",
    "The ruling coalition lost its majority.",
    "democracy-elections",
  ],
  [
    "en",
    "Thousands join anti-government protests in Belgrade",
    "Protesters demanded the resignation of the president.",
    "democracy-elections",
  ],
  [
    "en",
    "US approves $2bn arms sale to Taiwan including HIMARS",
    "The package includes Patriot missile systems.",
    "security-defence",
  ],
  [
    "en",
    "Aircraft carrier strike group heads to the Mediterranean",
    "The warships join naval drills with allies.",
    "security-defence",
  ],
  [
    "en",
    "Russian spy ring uncovered in Germany, plot to sabotage rail lines",
    "Prosecutors said the suspects were working for the GRU.",
    "security-defence",
  ],
  [
    "en",
    "Chinese state-backed hackers breached telecoms networks",
    "The Salt Typhoon campaign targeted wiretap systems.",
    "security-defence",
  ],
  [
    "en",
    "Islamist attack in Solingen: suspect had pledged allegiance to Islamic State",
    "",
    "security-defence",
  ],
  [
    "en",
    "Shell and BP exit Russian market, writing off billions",
    "Companies are cutting ties with Moscow after sanctions.",
    "trade-sanctions",
  ],
  [
    "en",
    "EU to use profits from frozen assets for Ukraine",
    "The immobilised Russian central bank assets total €210bn.",
    "trade-sanctions",
  ],
  [
    "en",
    "Beijing imposes export ban on gallium and germanium",
    "The export restrictions hit chipmakers.",
    "trade-sanctions",
  ],
  [
    "en",
    "Charities scramble to help refugees arriving in Moldova",
    "Aid groups set up relief convoys and food distribution.",
    "humanitarian",
  ],
  [
    "en",
    "Earthquake death toll passes 2,000 as rescuers dig through rubble",
    "Search and rescue teams work through the night.",
    "humanitarian",
  ],
  [
    "en",
    "Leaders meet on the sidelines of the G20 summit to discuss trade tariffs",
    "The two agreed to cut tariffs.",
    "trade-sanctions",
  ],
  [
    "de",
    "Iranische Aktivistin zu 74 Peitschenhieben verurteilt",
    "Sie wurde ausgepeitscht, weil sie kein Kopftuch trug.",
    "human-rights",
  ],
  [
    "de",
    "Belarus begnadigt politische Gefangene",
    "Lukaschenko ließ 30 Häftlinge frei.",
    "human-rights",
  ],
  [
    "de",
    "Wanderarbeiter in Katar: Tausende Tote auf WM-Baustellen",
    "Die Arbeitsbedingungen seien menschenunwürdig.",
    "human-rights",
  ],
  [
    "de",
    "Stichwahl in Polen: Oppositionskandidat liegt in Umfragen vorn",
    "",
    "democracy-elections",
  ],
  [
    "de",
    "Koalitionsverhandlungen in Österreich gescheitert",
    "Die Regierungsbildung zieht sich.",
    "democracy-elections",
  ],
  [
    "de",
    "Bundesregierung genehmigt neue Waffenlieferungen an die Ukraine",
    "Taurus-Marschflugkörper bleiben tabu, Patriot-Systeme werden geliefert.",
    "security-defence",
  ],
  [
    "de",
    "Bundeswehr verlegt Brigade nach Litauen",
    "Die Truppenstationierung beginnt im Frühjahr.",
    "security-defence",
  ],
  [
    "de",
    "USA verhängen Zölle auf Stahl aus der EU",
    "Die Strafzölle treffen deutsche Hersteller.",
    "trade-sanctions",
  ],
  ["de", "Eingefrorene russische Vermögen sollen Ukraine helfen", "", "trade-sanctions"],
  [
    "de",
    "Hilfskonvoi erreicht Erdbebengebiet",
    "Die Zahl der Todesopfer steigt, Rettungskräfte suchen in den Trümmern.",
    "humanitarian",
  ],
  [
    "fr",
    "Une militante iranienne condamnée à 74 coups de fouet",
    "Elle a été flagellée pour avoir refusé le voile obligatoire.",
    "human-rights",
  ],
  [
    "fr",
    "Second tour : le candidat de l'opposition reconnaît sa défaite",
    "",
    "democracy-elections",
  ],
  [
    "fr",
    "Paris annonce de nouvelles livraisons d'armes à Kiev",
    "Des canons Caesar et des missiles Scalp seront livrés.",
    "security-defence",
  ],
  ["fr", "Washington relève les droits de douane sur l'acier européen", "", "trade-sanctions"],
  [
    "fr",
    "Séisme : le bilan s'alourdit, les secouristes fouillent les décombres",
    "",
    "humanitarian",
  ],
  ["en", "Polls open in Moldova's presidential run-off", "", "democracy-elections"],
  ["en", "Republican primary: Haley drops out", "", "democracy-elections"],
  [
    "en",
    "Tunisia: opposition figures handed long prison terms after mass trial",
    "Rights groups condemned the verdicts as politically motivated.",
    "human-rights",
  ],
  ["en", "Israel approves death penalty bill for terrorists", "", "human-rights"],
  ["en", "Sweatshop fire kills 40 garment workers in Bangladesh", "", "human-rights"],
  [
    "en",
    "Germany to send 5,000 troops to Lithuania in first permanent deployment",
    "",
    "security-defence",
  ],
  ["en", "Iran plotted to assassinate dissidents in London, police say", "", "security-defence"],
  [
    "en",
    "Apple suspends sales in Russia",
    "Companies continue leaving Russia after sanctions.",
    "trade-sanctions",
  ],
  [
    "en",
    "Floods in Pakistan: death toll rises to 1,000 as rescue efforts continue",
    "",
    "humanitarian",
  ],
  [
    "en",
    "Evacuations ordered as cyclone nears Mozambique coast",
    "Aid agencies prepare relief supplies.",
    "humanitarian",
  ],
  ["de", "Kremlkritiker in Straflager verlegt", "", "human-rights"],
  ["de", "Erdrutschsieg für die Opposition bei der Parlamentswahl", "", "democracy-elections"],
  ["de", "Nato-Manöver in der Ostsee: Fregatten und U-Boote beteiligt", "", "security-defence"],
  [
    "de",
    "Konzerne ziehen sich aus Russland zurück",
    "Das Russlandgeschäft wird verkauft.",
    "trade-sanctions",
  ],
  [
    "fr",
    "Des ONG viennent en aide aux migrants à Calais",
    "Les associations caritatives distribuent des repas.",
    "humanitarian",
  ],
  ["fr", "Tentative d'assassinat : un réseau d'espionnage russe démantelé", "", "security-defence"],
  ["fr", "Législatives : le RN en tête des intentions de vote", "", "democracy-elections"],
  // Issue 11, second pass: attacks on crowds, nuclear programmes, naval posture, defence budgets,
  // fuel at the pump, immigration enforcement, nationality law, US races and local elections.
  ["en", "Attacker drove into a crowd at a Christmas market, police say", "", "security-defence"],
  ["en", "Iran's stockpile of enriched uranium keeps growing", "", "security-defence"],
  ["en", "Second carrier heads to the Gulf as naval blockade tightens", "", "security-defence"],
  ["de", "Amokfahrt in der Innenstadt: Ermittler prüfen das Motiv", "", "security-defence"],
  ["fr", "Les députés votent une hausse du budget des armées", "", "security-defence"],
  ["en", "Drivers pay more at the pump as gasoline prices jump", "", "energy"],
  ["de", "Spritpreise steigen erneut, Verbände fordern einen Tankrabatt", "", "energy"],
  ["fr", "Le prix à la pompe dépasse deux euros le litre", "", "energy"],
  ["en", "ICE agents detain dozens in workplace raid", "", "migration"],
  ["fr", "Le droit du sol restreint par un vote des députés", "", "migration"],
  ["de", "Ausländische Pflegekräfte verlassen Deutschland wieder", "", "migration"],
  ["en", "Senate hopeful stumps in a swing state before the midterms", "", "democracy-elections"],
  [
    "fr",
    "Municipales : la gauche cherche l'union dans les grandes villes",
    "",
    "democracy-elections",
  ],
  [
    "de",
    "Volksinitiative gegen das Verbot bekommt genug Unterschriften",
    "",
    "democracy-elections",
  ],
  // Issue 11, second lexicon pass: rights, aid, multilateral and climate phrasings.
  ["en", "UN envoy warns of deepening rights crisis in Myanmar", "", "human-rights"],
  [
    "fr",
    "Un journaliste condamné à trois ans de prison pour avoir critiqué le gouvernement",
    "",
    "human-rights",
  ],
  [
    "de",
    "Bundestag debattiert über Paragraf 218",
    "Der Schwangerschaftsabbruch soll entkriminalisiert werden.",
    "human-rights",
  ],
  ["de", "Gewalt gegen Frauen nimmt zu", "Frauenhäuser melden fehlende Plätze.", "human-rights"],
  ["fr", "Le droit à l'avortement inscrit dans la Constitution", "", "human-rights"],
  ["en", "Regime accused of arresting people arbitrarily after vote", "", "human-rights"],
  [
    "en",
    "Flash floods displace thousands in river delta",
    "Villages were cut off from drinking water.",
    "humanitarian",
  ],
  ["fr", "Des milliers de personnes déplacées après le passage d'une tornade", "", "humanitarian"],
  [
    "de",
    "Israelisches Parlament beschließt UNRWA-Verbot",
    "Hilfsorganisationen warnen vor den Folgen.",
    "humanitarian",
  ],
  [
    "en",
    "Negotiators agree high seas treaty text",
    "The intergovernmental talks ran overnight.",
    "un-multilateral",
  ],
  ["fr", "Un pays annonce son retrait de la Cour pénale internationale", "", "un-multilateral"],
  ["de", "Weltnaturkonferenz ringt um Finanzierung", "", "un-multilateral"],
  ["en", "Crops struggle to adapt to a warming world", "", "climate"],
  ["de", "Die Erderhitzung verändert den Alpenraum", "", "climate"],
  ["fr", "Le gouvernement présente sa planification écologique", "", "climate"],
  [
    "fr",
    "L'opposant au régime arrêté pour espionnage, ses proches dénoncent une loi liberticide",
    "Le journaliste est détenu depuis trois mois ; les ONG parlent d'une atteinte aux libertés fondamentales.",
    "human-rights",
  ],
  [
    "fr",
    "Les actes antisémites en hausse, la ministre annonce un plan contre le racisme",
    "Les plaintes pour discrimination et les violences policières visant des Juifs se multiplient.",
    "human-rights",
  ],
  [
    "de",
    "Razzia gegen Menschenhändler: Polizei befreit Hunderte Opfer",
    "Die Ermittler werfen der Bande Zwangsarbeit und sexualisierte Gewalt vor.",
    "human-rights",
  ],
  [
    "en",
    "Settler siege of West Bank village enters second week",
    "Rights groups say settler violence has forced families from their homes.",
    "human-rights",
  ],
  [
    "fr",
    "Incendies : des milliers d'habitants évacués, la forêt dévastée par les flammes",
    "Les pompiers luttent contre des incendies de forêt qui ont déjà fait dix morts.",
    "humanitarian",
  ],
  [
    "en",
    "Quake toll climbs as rescuers dig through rubble",
    "Wildfires and deadly flooding have also displaced thousands this month.",
    "humanitarian",
  ],
];

const notTagged: Case[] = [
  [
    "en",
    "Drought displaces thousands, UN agencies say",
    "UN officials said the situation was worsening.",
    "un-multilateral",
  ],
  [
    "de",
    "UN-Experten werfen Regierung Folter vor",
    "Laut UN wurden Hunderte festgenommen.",
    "un-multilateral",
  ],
  ["fr", "Selon l'ONU, la famine menace le pays", "", "un-multilateral"],
  [
    "en",
    "A climate of fear grips the newsroom",
    "Journalists describe the political climate as hostile.",
    "climate",
  ],
  [
    "en",
    "Russia launches terror attack on Kyiv energy grid, night of terror for residents",
    "Missiles and drones hit the city.",
    "security-defence",
  ],
  [
    "en",
    "Chelsea refugee finds new home at Newcastle",
    "The midfielder signed a four-year deal.",
    "migration",
  ],
  [
    "en",
    "Team elected captain for the new season",
    "The squad voted the striker as their captain.",
    "democracy-elections",
  ],
  [
    "en",
    "Premier League player sanctioned by the league for betting breaches",
    "The FA issued disciplinary sanctions.",
    "trade-sanctions",
  ],
  ["en", "Her bombshell testimony rocks the trial", "", "security-defence"],
  [
    "en",
    "Bird migration starts early this autumn",
    "Data migration to the cloud also delayed.",
    "migration",
  ],
  [
    "en",
    "The coach brought positive energy to the team",
    "Full of energy, the players won.",
    "energy",
  ],
  [
    "en",
    "Leaders meet on the sidelines of the G20 summit to discuss trade tariffs",
    "The two agreed to cut tariffs.",
    "un-multilateral",
  ],
  ["de", "Gutes Betriebsklima im Unternehmen", "Das Arbeitsklima ist hervorragend.", "climate"],
  ["de", "Die Qual der Wahl beim Wahlfach", "Meine Wahlheimat Berlin.", "democracy-elections"],
  ["de", "Bombenstimmung im Stadion", "Die Fans feierten ausgelassen.", "security-defence"],
  [
    "de",
    "Trainer lobt die Energie seiner Mannschaft",
    "Voller Energie ging das Team ins Spiel.",
    "energy",
  ],
  [
    "de",
    "Bürgergeld-Sanktionen werden verschärft",
    "Das Jobcenter kann Leistungen kürzen.",
    "trade-sanctions",
  ],
  ["fr", "Un climat de défiance s'installe au sein de la majorité", "", "climate"],
  [
    "fr",
    "Le défenseur sanctionné d'un carton rouge",
    "Il a été sanctionné par la ligue.",
    "trade-sanctions",
  ],
  ["fr", "Cette révélation a fait l'effet d'une bombe", "", "security-defence"],
  ["fr", "Élu meilleur joueur du mois", "", "democracy-elections"],
  [
    "en",
    "Man sentenced to 12 years in prison for armed robbery",
    "The judge said the crime was brutal.",
    "human-rights",
  ],
  [
    "en",
    "Arsenal conceded two late goals as title frontrunners stumble",
    "The manager was ousted after the defeat.",
    "democracy-elections",
  ],
  [
    "en",
    "Ukrainian operations in Russia's Kursk region continue",
    "Troops advanced several kilometres.",
    "trade-sanctions",
  ],
  ["en", "Royal charity gala raises £2m", "", "humanitarian"],
  ["en", "Oscar nominee speaks about new film", "", "democracy-elections"],
  ["en", "Think tank says tanks of fuel are running low", "", "security-defence"],
  ["en", "Spy thriller tops the box office", "", "security-defence"],
  ["en", "Grid search for missing hiker", "", "energy"],
  ["de", "Mann zu acht Jahren Haft verurteilt", "Er hatte eine Bank überfallen.", "human-rights"],
  ["de", "Die Wortwahl des Ministers sorgt für Kritik", "", "democracy-elections"],
  ["de", "Olympiastützpunkt bekommt neue Halle", "", "security-defence"],
  ["de", "Zollfrei einkaufen am Flughafen", "", "trade-sanctions"],
  ["de", "Erdrutschsieg für die Opposition bei der Parlamentswahl", "", "humanitarian"],
  ["fr", "Un film cruel et drôle", "La critique est cruelle.", "humanitarian"],
  ["fr", "La grille tarifaire de la SNCF augmente", "", "trade-sanctions"],
  ["fr", "Condamné à dix ans de prison pour un braquage", "", "human-rights"],
  ["fr", "Marine Le Pen veut un référendum", "", "security-defence"],
  ["en", "Oil spill blackens beaches along the coast", "", "energy"],
  ["en", "Amazon expands drone delivery to more cities", "", "security-defence"],
  ["fr", "Trafic d'armes : un réseau démantelé en Martinique", "", "security-defence"],
  [
    "fr",
    "Élection à la présidence de la Fédération française de football",
    "",
    "democracy-elections",
  ],
  ["en", "Pro-Palestinian protesters march through central London", "", "democracy-elections"],
  ["fr", "Israël annonce l'expulsion de militants de la flottille", "", "migration"],
  ["fr", "Les émissions de téléréalité bientôt interdites ?", "", "climate"],
  ["en", "Storm lashes coastal towns with heavy rain", "", "human-rights"],
  ["fr", "Le suspect placé en détention provisoire", "Il est soupçonné de vol.", "human-rights"],
  ["en", "UN report says cocaine seizures hit record", "", "un-multilateral"],
  ["de", "Altstadt wird UNESCO-Welterbe", "", "un-multilateral"],
];

describe("real-news phrasings are recognised", () => {
  it.each(tagged)("%s: %s → %s", (lang, title, text, topic) => {
    expect(topics(lang, title, text)).toContain(topic);
  });
});

describe("idioms sharing a topic word are not tagged", () => {
  it.each(notTagged)("%s: %s → not %s", (lang, title, text, topic) => {
    expect(topics(lang, title, text)).not.toContain(topic);
  });
});
