"""Name lexicon for PERSON detection: given names, hypocorisms, surnames, names that are also common words, and the
words that make a following name a place ("calle Miguel Hidalgo", "Santa Catarina", "Hope Street").

Source: no package installed here ships a name list (spaCy's lookup tables hold lemmas, Presidio none), so these
lists were compiled by hand for this project from general knowledge of the given names and surnames most often
registered in Mexico (as ranked in RENAPO/INEGI name-frequency publications) and in the United States (Social
Security Administration baby-name and Census surname rankings), plus the hypocorisms and surname abbreviations
common in Mexican chat ("Lupita", "Chuy", "Hdz"). No counts were copied: membership only, about 1,500 entries.

Words are compared after `fold()` (case- and accent-insensitive). A given name that is also a common word, a month
or a place (Rosa, Luz, Paz, León, Will, Grace, Austin) is `AMBIGUOUS`: it counts as a name only where the context
says so (a naming cue, a greeting, an honorific, a vocative), never from the lexicon alone.
"""

from __future__ import annotations

from scsf.privacy.lexicon import NOT_A_NAME, fold


def _names(block: str) -> frozenset[str]:
    return frozenset(fold(word) for word in block.split())


GIVEN_ES = _names("""
Aarón Abel Abigail Abraham Adalberto Adán Adela Adelaida Adolfo Adrián Adriana Agustín Aída Alan Alberto Albino Aldo
Alejandra Alejandro Alexa Alexis Alfonso Alfredo Alicia Alma Álvaro Amado Amalia Amanda Amelia Américo Ana Anabel
Anahí Andrea Andrés Ángela Angélica Anselmo Antonia Antonio Araceli Arcelia Ariadna Ariana Ariel Armando Arnulfo
Arturo Aurelio Axel Baltasar Bárbara Beatriz Benito Benjamín Bernardo Berenice Bertha Brayan Brenda Brisa Bruno
Camila Cándido Carla Carlos Carlota Carmela Carolina Catalina Catarina Cecilia Celia César Christian Cinthia Citlali
Clara Claudia Claudio Concepción Cristian Cristina Cristóbal Cuauhtémoc Cynthia Daniel Daniela Dante Darío David
Débora Delfino Delia Diana Diego Dolores Domingo Dora Edgar Edith Eduardo Efraín Efrén Elena Eleazar Elías Eligio
Elisa Elizabeth Eloísa Elsa Elvia Elvira Emilia Emiliano Emilio Emmanuel Enrique Erick Erika Ernesto Esmeralda
Esteban Estela Ester Esther Eugenia Eugenio Eva Evangelina Evelyn Ezequiel Fabián Fabiola Federico Felipe Félix
Fermín Fernanda Fernando Fidel Filiberto Flavio Francisca Francisco Gabriel Gabriela Gael Genaro Georgina Gerardo
Germán Gilberto Gisela Gloria Gonzalo Graciela Gregorio Guadalupe Guillermina Guillermo Gustavo Héctor Heriberto
Hilda Hipólito Homero Horacio Hortensia Hugo Humberto Ignacio Imelda Inés Ingrid Irene Iris Irma Isaac Isabel Isaías
Ismael Israel Itzel Iván Ivonne Jacinto Jacobo Jaime Janet Jaqueline Javier Jazmín Jesús Jimena Joaquín Joel
Jonathan Jorge José Josefina Juan Juana Julián Juliana Julieta Julio Karen Karina Karla Laura Leonardo Leonel Leonor
Leopoldo Leticia Lidia Liliana Lilia Lizbeth Lorena Lorenzo Lourdes Lucero Lucía Luciano Lucio Luis Luisa Lydia
Macario Magdalena Manuel Manuela Marcela Marcelino Marcelo Marco Marcos Margarita María Mariana Maribel Maricela
Maricruz Marina Mario Marisa Marisela Marisol Marlene Martha Martín Mateo Matías Mauricio Maximiliano Mayra Melissa
Micaela Miguel Minerva Miriam Moisés Mónica Nadia Natalia Nayeli Nelly Néstor Nicolás Noé Noemí Norberto Norma
Octavio Ofelia Olga Olivia Omar Orlando Óscar Osvaldo Pablo Pamela Pascual Patricia Patricio Paola Paula Paulina
Pedro Perla Porfirio Rafael Ramiro Ramón Raquel Raúl Rebeca Regina Reyna Ricardo Roberto Rocío Rodolfo Rodrigo
Rogelio Rolando Román Rosalba Rosalía Rosario Rosaura Rosendo Rubén Ruth Salvador Samuel Sandra Santiago Sara Saúl
Sebastián Selena Sergio Silvia Silvestre Sofía Sonia Susana Tadeo Tania Teodoro Teresa Tomás Ulises Uriel Valentina
Valeria Vanessa Verónica Vicente Víctor Violeta Viridiana Virginia Ximena Xóchitl Yadira Yahir Yaretzi Yazmín
Yesenia Yolanda Yoselin Zoe Zulema
""")

HYPOCORISMS_ES = _names("""
Ale Alex Anita Beto Betty Caro Cata Chabe Chalo Chava Chayo Chela Chelo Chema Checo Chente Chepe Chon Chucho Chuy
Conchita Cuca Dani Fany Fer Fito Gaby Goyo Isa Juanito Juancho Kari Lalo Lety Licha Lucha Lupe Lupita Luisito Lulú
Manolo Maru Mary Meche Memo Mari Marijose Maripaz Maruca Nacho Naty Nena Nico Pancho Panchito Paco Pepa Pepe Pili
Polo Quique Rafa Rigo Rosy Santi Susy Tavo Tere Tito Toña Toño Trini Vero Wicho Yola
""")

SURNAMES_ES = _names("""
Acosta Acuña Aguilar Aguirre Alanís Alarcón Alcántara Alemán Alvarado Álvarez Amador Anaya Andrade Aranda Arellano
Arias Arriaga Arroyo Ávila Ayala Báez Barajas Barragán Barrera Barrios Bautista Becerra Beltrán Benítez Bermúdez
Bernal Blanco Bonilla Bravo Briones Bustamante Bustos Caballero Cabrera Calderón Camacho Campos Cano Cantú Carbajal
Cárdenas Carmona Carrasco Carrillo Carvajal Castañeda Castillo Castro Cavazos Cervantes Chávez Cisneros Contreras
Cordero Córdova Cortés Cortez Cruz Cuevas Dávila Delgado Díaz Domínguez Duarte Durán Elizondo Enríquez Escamilla
Escobar Espinosa Espinoza Esquivel Estrada Fajardo Farías Félix Fernández Figueroa Flores Franco Fuentes Galindo
Gallardo Gallegos Galván Gámez García Garza Gil Godínez Gómez González Granados Guerra Guerrero Gutiérrez Guzmán
Hernández Herrera Hidalgo Huerta Ibarra Iglesias Islas Jaramillo Jiménez Juárez Lara Leal Ledezma León Lima Limón
Lira Lozano Lucero Lugo Luján Luna Macías Madrigal Maldonado Manzano Marín Márquez Martínez Mata Medina Mejía
Meléndez Méndez Mendoza Mercado Meza Miranda Molina Monroy Montalvo Montes Montoya Mora Morales Moreno Muñoz Murillo
Nava Navarro Nieto Núñez Ocampo Ochoa Olivares Olvera Orozco Ortega Ortiz Osorio Pacheco Padilla Palacios Paredes
Parra Peña Peralta Pérez Pineda Ponce Quintero Quiroz Ramírez Ramos Rangel Rentería Reyes Reyna Ríos Rivas Rivera
Robles Rocha Rodríguez Rojas Romero Rosales Rosas Rubio Ruiz Saavedra Salas Salazar Saldaña Salgado Salinas Sánchez
Sandoval Santana Santiago Santos Sepúlveda Serrano Sierra Silva Solís Solano Soria Sosa Soto Suárez Tapia Téllez
Torres Treviño Trejo Trujillo Ugalde Uribe Valadez Valdés Valdez Valencia Valenzuela Valle Vargas Vázquez Vega
Velasco Velázquez Vera Villa Villalobos Villanueva Villarreal Villaseñor Zamora Zapata Zaragoza Zavala Zúñiga Hdz
Hdez Rdz Rodz Glz Glez Gzz Mtz Mtnez Gtz Fdz Fdez Rmz Jmz Vzqz Dguez Gmz
""")

GIVEN_EN = _names("""
Aaron Abigail Adam Alan Albert Alexander Alexandra Alice Alicia Allison Alyssa Amanda Amber Amy Andrea Andrew Angela
Anna Anne Anthony Ashley Austin Barbara Becky Ben Benjamin Beth Betty Beverly Bill Billy Bob Bobby Brad Bradley
Brandon Brenda Brett Brian Brianna Brittany Bruce Bryan Caleb Cameron Carl Carol Caroline Carolyn Catherine Chad
Charles Charlie Cheryl Chloe Chris Christina Christine Christopher Cindy Claire Connor Courtney Craig Crystal Curtis
Cynthia Dakota Dan Dana Daniel Danielle Danny Dave David Debbie Deborah Debra Denise Dennis Derek Diana Diane Donald
Donna Doris Dorothy Doug Douglas Dustin Dylan Earl Ed Eddie Edward Elaine Eleanor Elijah Elizabeth Ellen Emily Emma
Eric Erica Erin Ethan Eugene Evan Evelyn Gabe Gabriel Gary Gavin Gerald Gloria Greg Gregory Hailey Hannah Harold
Harry Heather Helen Henry Howard Ian Isaac Isabella Jack Jacob Jacqueline Jake James Jamie Jan Jane Janet Janice
Jared Jasmine Jason Jeff Jeffrey Jen Jenna Jennifer Jenny Jeremy Jerry Jesse Jessica Jill Jim Jimmy Joan Joe Joel
John Johnny Jon Jonathan Jose Joseph Josh Joshua Joyce Juan Judith Judy Julia Julie Justin Kaitlyn Karen Kate
Katherine Kathleen Kathryn Kathy Katie Kayla Keith Kelly Ken Kenneth Kevin Kim Kimberly Kristen Kyle Larry Laura
Lauren Leah Lily Linda Lisa Liz Logan Lori Louis Lucas Luke Madison Maggie Marcus Margaret Maria Marie Marilyn Mary
Matt Matthew Megan Melanie Melissa Mia Michael Michelle Mike Molly Monica Nancy Natalie Nate Nathan Nicholas Nick
Nicole Noah Olivia Pamela Patricia Patrick Paul Paula Peggy Pete Peter Philip Phillip Rachel Ralph Randy Rebecca
Richard Rick Rita Robert Roger Ronald Rosie Roy Russell Ruth Ryan Sam Samantha Samuel Sandra Sara Sarah Scott Sean
Seth Shane Shannon Sharon Shawn Shirley Stephanie Stephen Steve Steven Susan Tammy Teresa Terry Theresa Thomas
Tiffany Tim Timothy Tina Todd Tom Tommy Tony Tracy Travis Trevor Tyler Valerie Vanessa Vicki Victoria Vincent
Virginia Walter Wayne Wendy William Zach Zachary
""")

SURNAMES_EN = _names("""
Adams Allen Anderson Bailey Baker Barnes Bell Bennett Brooks Brown Bryant Butler Campbell Carter Clark Cole Coleman
Collins Cook Cooper Cox Davis Edwards Evans Fisher Foster Garcia Gonzalez Gray Green Griffin Hall Harris Hayes
Henderson Hernandez Hill Howard Hughes Jackson James Jenkins Johnson Jones Kelly King Lee Lewis Long Lopez Martin
Martinez Miller Mitchell Moore Morgan Morris Murphy Myers Nelson Nguyen Parker Patel Perez Perry Peterson Phillips
Powell Price Ramirez Reed Richardson Rivera Roberts Robinson Rodriguez Rogers Ross Russell Sanchez Sanders Scott
Simmons Smith Stewart Sullivan Taylor Thomas Thompson Torres Turner Walker Ward Washington Watson White Williams
Wilson Wood Wright Young
""")

WORD_NAMES = _names("""
Alba Alegría Amparo Ángel Angustias Aurora Azucena Blanca Celeste Cielo Clemente Consuelo Dulce Encarnación
Esperanza Estrella Fe Flor Franco Gloria Inocencio Jesús Justo Leal Leo Linda Luz Mar Marco Margarita Marina
Milagros Modesto Nieves Paz Perla Pilar Pura Rey Reyna Rocío Rosa Rosario Severo Socorro Sol Soledad Tomás Violeta
Nena Chava Memo Nacho Chelo Mary Clara Bella Reina Iris Alma Brisa Caro Lucha Checo Dan Mia Sean Amado Cándido
Silvestre Esmeralda Cata Chon Chela Chucho Pancho Terry Amber Art Bill Brook Candy Carol Chase Chip Crystal Dawn
Dean Drew Faith Frank Gene Grace Grant Guy Hope Hunter Ivy Jack Jan Jean Joy Kelly Lily Mark Mason Max Miles Nick
Parker Pat Penny Ray Rich Rob Rose Ruby Sandy Sue Summer Tom Victor Will Carter Cooper Sam
""")
"""Given names that are also common words ("rosa mexicano", "la luz", "I will", "grace period")."""

PLACE_NAMES = _names("""
Belén Candelaria Carmen Cruz Dolores Guadalupe Julio León Lourdes Mercedes Remedios Reyes Salvador Santos Trinidad
Victoria Abril German Israel Dakota Chad April Austin Georgia June May Virginia Dallas Jordan Madison Logan Ángeles
""")
"""Given names that are also places, months, brands or holidays ("León", "Abril", "Mercedes", "Día de Reyes")."""

AMBIGUOUS = WORD_NAMES | PLACE_NAMES
"""Names only in a naming context (module docstring)."""

GIVEN = GIVEN_ES | HYPOCORISMS_ES | GIVEN_EN | AMBIGUOUS
SURNAMES = SURNAMES_ES | SURNAMES_EN

PLACE_BEFORE = _names("""
calle av avda avenida blvd bulevar boulevard bulevard calz calzada carretera cerrada col colonia fracc
fraccionamiento paseo periferico priv privada prol prolongacion andador circuito glorieta plaza plazas hospital
clinica farmacia farmacias escuela colegio instituto universidad parque estadio mercado sucursal san santa santo sto
sta ciudad cd puerto puente delegacion alcaldia municipio estado fundacion st street ave avenue rd road hwy highway
lake mount mt fort north south east west
""")
"""A name right after one of these names a street, place or institution ("Av. Benito Juárez", "Santa Catarina")."""

PLACE_AFTER = _names("""
st street ave avenue blvd boulevard rd road drive ln lane hwy highway pkwy parkway hospital clinic school high
elementary mall center centre county beach bay city
""")
"""A name right before one of these is part of a place name ("Hope Street", "Grace Hospital")."""


def is_given_name(folded: str) -> bool:
    """A lexicon given name or hypocorism (folded form)."""
    return folded in GIVEN


def is_clear_given_name(folded: str) -> bool:
    """A given name that is no common word, month, place, brand or chat word: a name wherever it stands."""
    return folded in GIVEN and folded not in AMBIGUOUS and folded not in NOT_A_NAME


def is_native_given_name(folded: str, lang: str) -> bool:
    """A given name or hypocorism listed for `lang` ("es": Spanish, "en": English); "ben" is English, "beto" Spanish."""
    return folded in (GIVEN_EN if lang == "en" else GIVEN_ES | HYPOCORISMS_ES)


def is_word_name(folded: str) -> bool:
    """A given name that is also a common word (not a place or month): "Grace", "Rosa"."""
    return folded in WORD_NAMES


def is_name_word(folded: str) -> bool:
    """A clear given name or a surname: may continue a name in lower case or whatever its tag ("maria lopez")."""
    return is_clear_given_name(folded) or folded in SURNAMES
