"""Word lists for PERSON filtering: capitalised chat words that the small NER models mistake for names.

Every entry is compared after `fold()` (case- and accent-insensitive). Words that are also common given names
(Guadalupe, Victoria, Mercedes, Dolores, León, Paz, Luz) and places that are common surnames (Guerrero, Hidalgo,
Juárez, Valencia, Zamora) are deliberately absent: they cannot be allow-listed.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Case- and accent-insensitive form: 'Querétaro' -> 'queretaro'; the Ñ survives ('Peña' -> 'peña')."""
    decomposed = unicodedata.normalize("NFD", text.replace("ñ", "\0").replace("Ñ", "\1"))
    plain = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return plain.replace("\0", "ñ").replace("\1", "ñ").casefold().strip()


def _words(block: str) -> frozenset[str]:
    """Comma-separated entries; line breaks are plain spaces (an entry may wrap)."""
    return frozenset(fold(" ".join(entry.split())) for entry in block.split(",") if entry.strip())


GREETINGS_AND_CHAT = _words("""
hola, holi, buenas, buen, buenos, dia, dias, tarde, tardes, noche, noches, saludos, gracias, muchas, mil, ok, okay,
oki, perfecto, perfecta, excelente, claro, sale, va, vale, listo, lista, genial, bien, muy, dale, orale, chido,
porfa, por favor, favor, disculpa, disculpe, perdon, oiga, oye, mande, si, no, que, este, bueno, igualmente, saludos
cordiales, atentamente, atte, att, quedo, dios, oigan, oiga, fijate, mire, mira, pues, entonces, andale, ahi,
pendiente, pendientes, excelente dia, feliz, felices, bendiciones, adios, hasta luego, nos vemos, estimado,
estimada, estimados, cordial, querido, querida, amigo, amiga, jefe, joven, güero, guero, compa, hermano, ah, eh,
mmm, jaja, jajaja, jeje, ja, xd, ups, ayer, hoy, mañana, ahorita, luego, pronto, nada, todo, todos, ninguno, hello,
hi, hey, thanks, thank, you, bye, goodbye, dear, sir, madam, maam, yes, yeah, yep, nope, sure, cool, great, awesome,
perfect, please, sorry, welcome, morning, afternoon, evening, night, regards, best, cheers, hmm, lol, today,
tomorrow, yesterday, ok thanks, thank you, good, nice, fine, okey, dude, bro, guys, team, folks, buddy, sweet
""")

HONORIFICS = _words("""
señor, señora, señorita, sr, sra, srta, srita, don, doña, lic, licenciado, licenciada, ing, ingeniero, ingeniera,
dr, dra, doctor, doctora, mtro, mtra, maestro, maestra, profe, profesor, profesora, arq, contador, contadora, cp,
mr, mrs, ms, miss, mister, madam, prof, sir
""")

ROLES_AND_BUSINESS = _words("""
agencia, asesor, asesora, agente, vendedor, vendedora, gerente, cliente, clienta, concesionaria, concesionario,
distribuidor, seminuevos, seminuevo, financiamiento, credito, enganche, mensualidad, mensualidades, cotizacion,
prueba, manejo, servicio, taller, refacciones, garantia, factura, pedido, folio, ticket, orden, contrato, seguro,
poliza, tarjeta, cuenta, banco, transferencia, deposito, precio, oferta, promocion, descuento, plan, version,
modelo, paquete, equipo, soporte, ventas, postventa, atencion, ejecutivo, ejecutiva, coordinador, coordinadora,
direccion, sucursal, matriz, oficina, tienda, almacen, bodega, envio, entrega, recoleccion, cita, visita, informes,
informacion, dealer, dealership, sales, card, number, phone, email, mail, ip, ipv4, ipv6, login, password, user,
address, pin, id, url, link, pdf, app, web, tel, tels, cel, col, num, av, avenida, calle, int, ext, depto, cp,
carplay, apple carplay, android auto, all wheel drive, capital one, home depot, best buy, costco, sams, sam's club,
limited, manager, customer, support, service, agent, advisor, quote, order, invoice, delivery, curp, rfc, clabe,
ine, sat, imss, issste, infonavit, fovissste, spei, nip, cvv, vin, gps, suv, sedan, pickup, hatchback, automatica,
automatico, estandar, manual, turbo, hibrido, electrico, gasolina, diesel, km, kilometros, whatsapp, whats, wa,
facebook, instagram, google, maps, gmail, hotmail, outlook, yahoo, zoom, teams, messenger, telegram, waze, uber,
didi, mercado libre, mercadolibre, amazon, kavak, youtube, tiktok, linkedin, twitter, x, bbva, banorte, santander,
banamex, citibanamex, hsbc, scotiabank, inbursa, azteca, banco azteca, coppel, liverpool, walmart, oxxo, elektra,
telcel, movistar, att, at&t, izzi, totalplay, cfe, pemex, visa, mastercard, amex, paypal
""")

CAR_BRANDS_AND_MODELS = _words("""
toyota, honda, nissan, mazda, volkswagen, vw, chevrolet, chevy, ford, kia, hyundai, bmw, audi, mercedes-benz, benz,
seat, renault, peugeot, jeep, dodge, ram, chrysler, mitsubishi, subaru, suzuki, mg, jac, byd, tesla, volvo, fiat,
cupra, lincoln, cadillac, buick, gmc, acura, infiniti, lexus, porsche, land rover, mini, chirey, omoda, changan,
gwm, haval, jetour, geely, baic, jaguar, alfa romeo, ferrari, lamborghini, maserati, isuzu, hino, freightliner,
jetta, vento, virtus, polo, golf, tiguan, taos, t-cross, teramont, nivus, amarok, saveiro, gol, sentra, versa,
march, kicks, x-trail, xtrail, frontier, np300, altima, aveo, onix, spark, beat, cavalier, tracker, trax, equinox,
captiva, tahoe, suburban, silverado, colorado, cheyenne, blazer, groove, corolla, camry, yaris, rav4, hilux, tacoma,
tundra, prius, avanza, sienna, highlander, raize, civic, accord, city, hr-v, hrv, cr-v, crv, br-v, brv, pilot,
odyssey, fit, cx-3, cx-30, cx-5, cx-50, cx-90, mazda2, mazda3, mazda 2, mazda 3, rio, forte, soul, seltos, sportage,
sorento, k3, sonet, tucson, creta, elantra, accent, grand i10, i10, ibiza, arona, ateca, tarraco, duster, kwid,
koleos, oroch, stepway, logan, sandero, mustang, ranger, lobo, explorer, escape, bronco, territory, maverick,
expedition, figo, fiesta, focus, wrangler, compass, cherokee, grand cherokee, renegade, attitude, journey, charger,
challenger, mirage, outlander, l200, swift, vitara, ertiga, ciaz, dzire, jimny, s-cross, corvette, camaro, model 3,
model y, serie 3, clase c, a3, a4, q3, q5, x1, x3, x5, tiggo, dolphin, seal, tang, yuan, han, mg5, zs, hs
""")

PLACES = _words("""
aguascalientes, baja california, baja california sur, campeche, chiapas, chihuahua, coahuila, colima, durango,
guanajuato, jalisco, mexico, estado de mexico, edomex, michoacan, nayarit, nuevo leon, oaxaca, puebla, queretaro,
quintana roo, san luis potosi, sinaloa, sonora, tabasco, tamaulipas, tlaxcala, veracruz, yucatan, zacatecas, cdmx,
df, ciudad de mexico, monterrey, guadalajara, tijuana, zapopan, merida, cancun, toluca, ciudad juarez, culiacan,
hermosillo, saltillo, mexicali, acapulco, morelia, torreon, reynosa, tlaquepaque, tonala, naucalpan, ecatepec,
nezahualcoyotl, neza, coyoacan, tlalpan, polanco, satelite, iztapalapa, azcapotzalco, cuernavaca, pachuca, xalapa,
villahermosa, tampico, mazatlan, ensenada, irapuato, celaya, los cabos, cabo, playa del carmen, tuxtla, tuxtla
gutierrez, san pedro, san pedro garza garcia, santa catarina, metepec, chalco, texcoco, tlalnepantla, cuautitlan,
huixquilucan, interlomas, condesa, roma, del valle, narvarte, insurgentes, reforma, periferico, viaducto,
tlajomulco, chapala, puerto vallarta, vallarta, queretaro, san miguel, san miguel de allende, oaxaca de juarez,
puebla de zaragoza, tehuacan, orizaba, coatzacoalcos, campeche, chetumal, la paz, los mochis, ciudad obregon,
nogales, nuevo laredo, laredo, piedras negras, monclova, zacatecas, fresnillo, tepic, manzanillo, uruapan, lagos de
moreno, tepatitlan, silao, mexico city, latinoamerica, latam, norteamerica, estados unidos, usa, eua, eeuu, canada,
espana, colombia, argentina, chile, peru, brasil, guatemala, texas, california, arizona, florida, dallas, houston,
san antonio, austin, los angeles, chicago, miami, nueva york, new york, phoenix, san diego, madrid, barcelona,
sevilla, bogota, medellin, buenos aires, europa, europe, america, mexican, mexicano, mexicana
""")

COLOURS_AND_TRIMS = _words("""
rojo, roja, azul, negro, negra, gris, plata, plateado, dorado, verde, amarillo, naranja, cafe, beige, vino, guinda,
marino, azul marino, arena, grafito, titanio, metalico, perlado, red, blue, silver, beige, maroon, navy, charcoal,
sport, sense, advance, exclusive, comfortline, highline, trendline, lt, ls, ltz, premier, rs, le, xle, se, sel, gt,
touring, limited, platinum, trim, awd, 4x4, cvt
""")

INSURERS_AND_LENDERS = _words("""
qualitas, gnp, axa, mapfre, hdi, chubb, zurich, afirme, ana seguros, seguros atlas, atlas, inbursa seguros, metlife,
geico, progressive, allstate, state farm, chase, wells fargo, bank of america, capital one, credit karma, nr
finance, nissan financial, toyota financial, gm financial, ford credit, vw financial, santander consumo
""")

CALENDAR = _words("""
enero, febrero, marzo, abril, mayo, junio, julio, agosto, septiembre, setiembre, octubre, noviembre, diciembre,
lunes, martes, miercoles, jueves, viernes, sabado, domingo, navidad, semana santa, buen fin, hot sale, january,
february, march, april, june, july, august, september, october, november, december, monday, tuesday, wednesday,
thursday, friday, saturday, sunday, christmas, easter
""")

NOT_A_NAME: frozenset[str] = (
    GREETINGS_AND_CHAT | ROLES_AND_BUSINESS | CAR_BRANDS_AND_MODELS | PLACES | CALENDAR | COLOURS_AND_TRIMS
    | INSURERS_AND_LENDERS
)
"""Allow-list: a candidate PERSON made only of these words (or equal to one phrase here) is not a person."""


def is_not_a_name(text: str) -> bool:
    return fold(text) in NOT_A_NAME
