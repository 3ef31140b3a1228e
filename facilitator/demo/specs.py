"""What the demo holds: the two dialogues drawn from the source articles (domain/seeds), as
plain specifications that `data.load()` writes.

1. Gnesta (2019): IVO:s egeninitierade tillsyn av socialnämndens förhandsbedömningar
   och utredningar om barn och unga, one board.
2. Stockholm (2014): IVO:s tillsyn av hur sju kommuner och stadsdelar hanterar
   orosanmälningar om barn och unga som inte lett till utredning, seven boards.
"""

from dataclasses import dataclass, field
from datetime import time

from ..dialogues.models import ReflectionKind
from ..organizations.models import OrganizationKind

# --- what the demo holds -------------------------------------------------------------


@dataclass(frozen=True)
class Board:
    name: str
    short_name: str
    kind: OrganizationKind


@dataclass(frozen=True)
class ReflectionSpec:
    key: str
    kind: ReflectionKind
    title: str
    body_md: str
    legal_basis: str = ""
    evidence: str = ""
    #: Short names of the boards concerned; empty means every board in the dialogue.
    only: tuple[str, ...] = ()
    #: Names of the themes it carries (see `themes.services.SEED_THEMES`).
    themes: tuple[str, ...] = ()


@dataclass(frozen=True)
class AgendaSpec:
    title: str
    minutes: int
    description: str = ""
    #: Keys of the reflections discussed under this item.
    reflections: tuple[str, ...] = ()


@dataclass(frozen=True)
class DialogueSpec:
    label: str
    title: str
    purpose: str
    #: Days after next Monday (Europe/Stockholm) and the local start time.
    weekday: int
    start: time
    duration_minutes: int
    place_room: str
    place_address: str
    show_board_results: bool
    boards: tuple[Board, ...]
    reflections: tuple[ReflectionSpec, ...] = field(default=())
    agenda: tuple[AgendaSpec, ...] = field(default=())


GNESTA = DialogueSpec(
    label="Gnesta",
    title="Återföringsdialog: förhandsbedömningar och utredningar om barn och unga",
    purpose=(
        "IVO återför vad vi har sett i den egeninitierade tillsynen av socialnämndens "
        "förhandsbedömningar och avslutade utredningar om barn och unga. Vi vill reda ut var "
        "vi är överens och var vi ser olika på saken, och komma överens om vad som ska följas "
        "upp. IVO har delat sina reflektioner i förväg så att det blir tydligare vad IVO menar. "
        "Socialsekreterare, chefer och politiker deltar."
    ),
    weekday=1,  # tisdag
    start=time(9, 0),
    duration_minutes=180,
    place_room="Sammanträdesrummet, kommunhuset",
    place_address="Västra Storgatan 15, Gnesta",
    show_board_results=False,  # one board: its result is the room's result
    boards=(
        Board("Socialnämnden i Gnesta kommun", "Gnesta", OrganizationKind.NAMND),
    ),
    reflections=(
        ReflectionSpec(
            key="samsyn",
            themes=("Barnets inställning och barnets röst",),
            kind=ReflectionKind.POSITIVE,
            title="Vi har samsyn om bristerna i barnperspektivet",
            legal_basis="SoL 1 kap. 2 §",
            evidence=(
                "Samsyn i flera av de 16 granskade ärendena "
                "(10 förhandsbedömningar och 6 utredningar)"
            ),
            body_md=(
                "I flera av de granskade ärendena delar nämnden IVO:s bild av bristerna i "
                "handläggningen. Nämnden har själv uppmärksammat att **barnperspektivet har "
                "brustit** och att barnets bästa inte alltid har tydliggjorts i "
                "bedömningarna.\n\n"
                "IVO ser det som positivt. När nämnden och IVO är överens om vad som behöver "
                "bli bättre kan vi lägga mötets tid på *hur* det ska ske, och nämnden har goda "
                "förutsättningar att komma tillrätta med bristerna.\n\n"
                "IVO uppskattar också att nämnden har tagit emot reflektionerna öppet inför "
                "dialogmötet."
            ),
        ),
        ReflectionSpec(
            key="uteblir",
            themes=("Inledande av utredning", "Förhandsbedömning inom 14 dagar"),
            kind=ReflectionKind.CONCERN,
            title="Utredning inleds inte när föräldrar eller unga uteblir från inbokade samtal",
            legal_basis="SoL 11 kap. 1 a §; 11 kap. 1 §",
            evidence="Iakttaget i flera av de 10 granskade förhandsbedömningarna",
            body_md=(
                "Nämnden inleder inte längre per automatik en utredning inom två veckor när "
                "föräldrar eller ungdomar inte kommer till inbokade samtal under "
                "förhandsbedömningen. I stället avslutas ärendet utan utredning.\n\n"
                "IVO känner oro för detta. Att föräldrarna inte kommer enligt överenskommelse "
                "kan i sig vara ett skäl till oro, och det finns en risk att nämnden missar barn "
                "som far illa. IVO har uppfattningen att nämnden **drar sig för att inleda "
                "utredning**.\n\n"
                "Nämnden ska utan dröjsmål inleda utredning av vad som genom ansökan, anmälan "
                "eller på annat sätt har kommit till nämndens kännedom och som kan föranleda "
                "någon åtgärd av nämnden (11 kap. 1 § SoL). Beslut om att inleda eller inte "
                "inleda utredning ska fattas inom 14 dagar (11 kap. 1 a § SoL).\n\n"
                "Nämnden delar inte IVO:s bild, och IVO vill därför ha ytterligare svar:\n\n"
                "- Hur bedömer nämnden att uteblivna samtal påverkar oron för barnet?\n"
                "- Vilka andra uppgifter inhämtas innan nämnden beslutar att inte inleda "
                "utredning?"
            ),
        ),
        ReflectionSpec(
            key="barnets-installning",
            themes=("Barnets inställning och barnets röst",),
            kind=ReflectionKind.DEFICIENCY,
            title="Barnets inställning inhämtas inte",
            legal_basis="SoL 11 kap. 10 §; 1 kap. 2 §; barnkonventionen artikel 12",
            evidence="Brist i flera av de 6 granskade utredningarna",
            body_md=(
                "I flera utredningar har nämnden inte inhämtat barnets inställning till:\n\n"
                "- utredningens beslut,\n"
                "- förslaget till insatser, och\n"
                "- om insatserna kan tillgodose barnets behov.\n\n"
                "Ett barn som berörs av en åtgärd ska få relevant information och ges möjlighet "
                "att framföra sina åsikter. Barnets åsikter ska tillmätas betydelse i "
                "förhållande till barnets ålder och mognad (11 kap. 10 § SoL). Vid åtgärder som "
                "rör barn ska barnets bästa särskilt beaktas (1 kap. 2 § SoL).\n\n"
                "IVO vill att barnperspektivet och barnrättsperspektivet följs bättre, och att "
                "barnen kommer till tals där det är möjligt. Om barnet inte har hörts ska det "
                "framgå av dokumentationen varför."
            ),
        ),
        ReflectionSpec(
            key="hembesok",
            themes=("Inledande av utredning",),
            kind=ReflectionKind.IVO_QUESTION,
            title=(
                "Hur väger nämnden in att den inte kan göra oanmälda hembesök "
                "eller tvinga någon att komma?"
            ),
            legal_basis="SoL 11 kap. 1 §; 11 kap. 1 a §",
            evidence="Nämndens synpunkt på IVO:s reflektioner inför dialogmötet",
            body_md=(
                "Nämnden har framfört att den är begränsad i vad den får göra under en "
                "förhandsbedömning: den får inte göra oanmälda hembesök och kan inte tvinga "
                "föräldrar eller unga att komma på möten. Socialtjänsten är till för att hjälpa "
                "och försöker undvika tvång.\n\n"
                "IVO vill förstå hur nämnden resonerar:\n\n"
                "- Hur väger nämnden in dessa begränsningar när den beslutar att inte inleda "
                "utredning?\n"
                "- Vad gör nämnden för att ändå nå familjen när den inte kommer på inbokade "
                "samtal?\n"
                "- När blir det i stället ett skäl att inleda utredning, där nämnden har fler "
                "möjligheter att inhämta uppgifter?"
            ),
        ),
    ),
    agenda=(
        AgendaSpec(
            "Välkommen och syfte",
            10,
            "Presentation av deltagarna och varför vi träffas. Så använder du din telefon "
            "under mötet.",
        ),
        AgendaSpec(
            "IVO:s iakttagelser – positiva och brister",
            30,
            "IVO går igenom vad tillsynen av 10 förhandsbedömningar och 6 utredningar har visat.",
        ),
        AgendaSpec(
            "Förhandsbedömningar: när inleds utredning?",
            40,
            "Här ser nämnden och IVO olika på saken. Vad betyder det när föräldrar eller unga "
            "uteblir från inbokade samtal?",
            ("uteblir", "hembesok"),
        ),
        AgendaSpec(
            "Barnets röst i utredningen",
            30,
            "Hur kommer barnet till tals om beslut, insatser och om insatserna tillgodoser "
            "barnets behov?",
            ("barnets-installning", "samsyn"),
        ),
        AgendaSpec("Fika", 15),
        AgendaSpec(
            "Vad tar vi med oss – uppföljningspunkter",
            25,
            "Vi formulerar vad nämnden ska åtgärda, vem som ansvarar och när det ska vara klart.",
        ),
    ),
)


_STOCKHOLM_BOARDS = (
    Board("Södermalms stadsdelsnämnd", "Södermalm", OrganizationKind.STADSDEL),
    Board("Farsta stadsdelsnämnd", "Farsta", OrganizationKind.STADSDEL),
    Board("Skärholmens stadsdelsnämnd", "Skärholmen", OrganizationKind.STADSDEL),
    Board("Rinkeby-Kista stadsdelsnämnd", "Rinkeby-Kista", OrganizationKind.STADSDEL),
    Board("Spånga-Tensta stadsdelsnämnd", "Spånga-Tensta", OrganizationKind.STADSDEL),
    Board("Hässelby-Vällingby stadsdelsnämnd", "Hässelby-Vällingby", OrganizationKind.STADSDEL),
    Board("Socialnämnden i Solna stad", "Solna", OrganizationKind.KOMMUN),
)

STOCKHOLM = DialogueSpec(
    label="Stockholm",
    title="Återföringsdialog om orosanmälningar gällande barn och unga",
    purpose=(
        "IVO har granskat hur kommuner och stadsdelar hanterar orosanmälningar om barn och "
        "unga som inte har lett till utredning. På mötet återför IVO positiva iakttagelser och "
        "brister. Återföringen ska också skapa ett gemensamt lärande: IVO tar del av "
        "nämndernas utmaningar, och nämnderna tar del av varandras arbetssätt och goda exempel. "
        "Politiker, chefer och arbetsledare med ansvar för den sociala barn- och "
        "ungdomsvården deltar."
    ),
    weekday=3,  # torsdag
    start=time(9, 0),
    duration_minutes=240,
    place_room="IVO:s konferenslokal, avdelning öst",
    place_address="Stockholm",
    show_board_results=True,
    boards=_STOCKHOLM_BOARDS,
    reflections=(
        ReflectionSpec(
            key="mottagning",
            themes=("Omedelbar skyddsbedömning",),
            kind=ReflectionKind.POSITIVE,
            title="Strukturerat mottagande och snabba skyddsbedömningar",
            legal_basis="SoL 11 kap. 1 a § första stycket",
            evidence=(
                "Omedelbar skyddsbedömning samma dag som anmälan kom in "
                "i 68 av 80 granskade ärenden"
            ),
            body_md=(
                "IVO har sett flera styrkor i nämndernas arbete med orosanmälningar:\n\n"
                "- Nämnderna har **strukturerade mottagningar** med rutiner för hur anmälningar "
                "tas emot, registreras och fördelas.\n"
                "- I de flesta ärenden gjordes den **omedelbara skyddsbedömningen snabbt**, "
                "oftast samma dag som anmälan kom in.\n"
                "- Flera nämnder har arbetat aktivt med att införa lagändringarna från den "
                "1 januari 2013.\n\n"
                "IVO vill att nämnderna berättar om hur de har byggt upp mottagningen, så att "
                "andra kan ta del av arbetssätten."
            ),
        ),
        ReflectionSpec(
            key="fjorton-dagar",
            themes=("Förhandsbedömning inom 14 dagar",),
            kind=ReflectionKind.DEFICIENCY,
            title="Tidsgränsen på 14 dagar för förhandsbedömning hålls inte",
            legal_basis="SoL 11 kap. 1 a §",
            evidence="I 23 av 80 granskade ärenden överskreds 14 dagar",
            body_md=(
                "Beslut om att inleda eller inte inleda utredning ska fattas inom 14 dagar "
                "efter att anmälan kom in, om det inte finns synnerliga skäl för en längre "
                "tid (11 kap. 1 a § SoL).\n\n"
                "IVO har sett att socialtjänsten har svårt att hålla den lagstadgade "
                "tidsgränsen. I flera ärenden överskreds den utan att det framgick vilka "
                "synnerliga skäl som fanns för att förlänga tiden.\n\n"
                "När förhandsbedömningen drar ut på tiden riskerar barn som behöver skydd "
                "eller stöd att få vänta på att nämnden agerar."
            ),
        ),
        ReflectionSpec(
            key="skyddsbedomning",
            themes=("Omedelbar skyddsbedömning", "Dokumentation"),
            kind=ReflectionKind.DEFICIENCY,
            title="Dokumentationen av den omedelbara skyddsbedömningen är otydlig",
            legal_basis="SoL 11 kap. 1 a § första stycket; 11 kap. 5 §",
            evidence=(
                "Otydlig dokumentation i 17 av 40 granskade ärenden "
                "hos de fyra berörda nämnderna"
            ),
            only=("Farsta", "Skärholmen", "Spånga-Tensta", "Solna"),
            body_md=(
                "När en anmälan kommer in ska nämnden genast bedöma om barnet är i behov av "
                "omedelbart skydd (11 kap. 1 a § första stycket SoL). Handläggningen ska "
                "dokumenteras (11 kap. 5 § SoL).\n\n"
                "Hos de berörda nämnderna framgår det i flera ärenden inte:\n\n"
                "- **när** skyddsbedömningen gjordes,\n"
                "- **vem** som gjorde den, och\n"
                "- **vad** bedömningen grundades på.\n\n"
                "Utan tydlig dokumentation går det inte att i efterhand se att barnets behov "
                "av omedelbart skydd har bedömts."
            ),
        ),
        ReflectionSpec(
            key="samtal-med-barn",
            themes=("Barnets inställning och barnets röst",),
            kind=ReflectionKind.CONCERN,
            title="Barn och unga får för sällan komma till tals innan beslut fattas",
            legal_basis="SoL 11 kap. 10 §; 1 kap. 2 §",
            evidence=(
                "Barnet hade inte hörts före beslut om att inte inleda utredning "
                "i 52 av 80 granskade ärenden"
            ),
            body_md=(
                "IVO känner oro för att barn och unga inte får komma till tals i tillräcklig "
                "utsträckning under förhandsbedömningen. I många ärenden bygger beslutet att "
                "inte inleda utredning enbart på samtal med föräldrarna eller anmälaren.\n\n"
                "Ett barn som berörs av en åtgärd ska få relevant information och ges möjlighet "
                "att framföra sina åsikter (11 kap. 10 § SoL), och barnets bästa ska särskilt "
                "beaktas (1 kap. 2 § SoL).\n\n"
                "IVO anser att nämnderna bör samtala med barnen och ungdomarna i högre "
                "utsträckning, och att det ska framgå av dokumentationen om barnet inte har "
                "hörts och varför."
            ),
        ),
        ReflectionSpec(
            key="goda-exempel",
            kind=ReflectionKind.IVO_QUESTION,
            title="Hur delar nämnderna goda exempel med varandra?",
            body_md=(
                "Nämnderna har delvis olika förutsättningar men samma lagkrav. IVO vill höra:\n\n"
                "- Hur tar ni del av hur andra kommuner och stadsdelar arbetar med "
                "orosanmälningar?\n"
                "- Vilket arbetssätt hos er skulle ni vilja att andra tog efter?\n"
                "- Vad behöver ni från varandra, eller från IVO, för att hålla tidsgränsen och "
                "samtala mer med barnen?"
            ),
        ),
    ),
    agenda=(
        AgendaSpec(
            "Välkommen och syfte med dagen",
            15,
            "Varför IVO återför tillsynens resultat i dialogform. Så använder du din telefon "
            "under mötet.",
        ),
        AgendaSpec(
            "IVO presenterar positiva iakttagelser och brister",
            45,
            "Resultatet av tillsynen av orosanmälningar som inte lett till utredning.",
            ("mottagning", "fjorton-dagar", "skyddsbedomning", "samtal-med-barn"),
        ),
        AgendaSpec(
            "Frågor till IVO",
            30,
            "Ställ frågor om iakttagelserna och säg till där ni inte delar IVO:s bild.",
        ),
        AgendaSpec("Fika", 20),
        AgendaSpec(
            "Erfarenhetsutbyte mellan nämnderna – goda exempel",
            60,
            "Hur arbetar nämnderna för att uppfylla kraven och skapa en god kvalitet i "
            "socialtjänsten för barn och unga?",
            ("goda-exempel",),
        ),
        AgendaSpec(
            "Gemensamt lärande och uppföljning",
            40,
            "Vad tar vi med oss? Vi formulerar uppföljningspunkter med ansvarig och datum.",
        ),
    ),
)

DIALOGUES = (GNESTA, STOCKHOLM)
