"""Lexical cues of conversation stages: words a turn of that stage tends to use, beyond the pack's own description.

Keyed by stage id, so one entry serves every pack that has the stage (`saludo`, `objecion`, `cierre`...). A pack
stage without an entry is labelled from its id, its description and the tools called in it. Cues are plain Spanish
words (and a few English ones, for English dialogue); the labeller folds accents and compares 5-letter stems, so
inflections need not be listed. They were tuned on the tuning part of `scsf/bench/stage_data` only (`bench stages`).
"""

from __future__ import annotations

STAGE_CUES: dict[str, str] = {
    # stages every pack shares
    "saludo": "hola buen buenos buenas dia dias tardes noches bienvenido bienvenida saludos gusto atenderle presento "
    "encantado habla atiende nombre comunicarse hello morning afternoon welcome name",
    "identificacion_necesidad": "busco buscando necesito necesita interesa interesado quiero queremos motivo ocupo "
    "ocupamos gustaria informes uso presupuesto saber need looking want",
    "propuesta": "propongo recomiendo ofrezco sugiero plan incluye ideal queda quedaria recommend suggest offer",
    "objecion": "caro cara costoso preocupa preocupacion duda dudas convence demasiado miedo dificil alcanza pesado "
    "alta alto mucho esperaba dineral comprobar barato altisima arriba solo pense antes expensive hoping more",
    "manejo_objecion": "entiendo comprendo alternativa tranquilo ventaja considere ajustar opcion preocupacion "
    "baja bajar understand option instead",
    "seguimiento": "seguimiento contacto llamare escribire enviare proximo proxima recordatorio confirmo marco llamo "
    "llama llame mando manda mande envio envia escribo cotizacion reporte avance follow send email call",
    "cierre": "gracias adios luego placer excelente atento quedo vemos despedida cuidese tenga amable cualquier espero "
    "esperamos gusto thank thanks bye",
    "abandono": "pensare pensarlo pienso despues aviso momento ocupado veo decidir todavia platico dejeme reviso think "
    "later",
    "recuperacion": "retomar retomando retomo nuevamente volver seguimos sigue interesado pendiente escribo salio",
    "escalacion_humano": "gerente supervisor transfiero canalizo especialista area manager transfer",
    "requisitos_documentacion": "documentos identificacion comprobante domicilio ingresos requisitos copia estado "
    "cuenta papeles tramite documents",
    # automotive.sales
    "consulta_inventario": "disponible disponibles existencia color colores version versiones inventario stock "
    "tenemos tengo unidades llegan agencia planta piso available stock",
    "calculo_financiamiento": "enganche mensualidad mensualidades plazo meses tasa pagos financiamiento credito "
    "monthly payment down months rate",
    "negociacion": "descuento bono rebaja mejorar precio negociar condiciones",
    "valuacion_auto_a_cuenta": "valuacion valor actual cuenta usado avaluo darian dan trade worth value",
    "agenda_cita": "cita agendar agendo agendado fecha hora visita lunes martes miercoles jueves viernes sabado "
    "manana aparto paso schedule appointment monday tuesday wednesday thursday friday saturday",
    "comparativa_opciones": "comparar comparacion diferencia versus frente mientras ventajas mayor compare difference",
    "diagnostico": "sintoma falla ruido causa revisar golpeteo suena kilometros trae testigo prendio aparece",
    "revision_cobertura": "cubre garantia poliza cobertura deducible cobrar entra",
    "reconocimiento_queja": "lamento molestia disculpe disculpa queja inconveniente otra vez segunda",
    # education.tutoring
    "diagnostico_conocimientos": "sabes recuerdas conoces nivel antes creo",
    "explicacion_concepto": "concepto significa define decir idea proceso",
    "ejemplo_resuelto": "ejemplo paso primero luego resultado resolvemos",
    "practica_guiada": "intenta pista prueba resuelve ahora",
    "evaluacion_adaptativa": "pregunta reactivo ejercicio siguiente dificultad dificil",
    "retroalimentacion": "correcto correcta error acertaste incorrecto exacto hiciste",
    "refuerzo_motivacional": "excelente avance esfuerzo orgullo felicidades",
    # finance.advisory
    "perfilamiento_riesgo": "riesgo tolerancia horizonte experiencia perfil conservador arriesgar invertido nervioso "
    "bajara perder anos",
    "analisis_capacidad_pago": "ingresos deudas gastos capacidad pago",
    "verificacion_kyc": "actividad origen recursos destino ocupacion dedica usara",
    "simulacion_escenarios": "escenario simulacion rendimiento pagos ganaria saldo estimado",
    "divulgacion_riesgos": "riesgos comisiones garantizados advertencia",
    "escalacion_cumplimiento": "cumplimiento comite turno area",
    # industrial.support
    "verificacion_seguridad": "bloqueo etiquetado seguridad proteccion energia",
    "recopilacion_sintomas": "ruido olor alarma codigo cambio",
    "lectura_sensores": "vibracion temperatura corriente presion lectura sensor",
    "procedimiento_reparacion": "paso torque ajuste apriete cambiar",
    "verificacion_funcionamiento": "arranque prueba lecturas referencia funciona",
    "escalacion_especialista": "fabricante especialista campo canalizo",
    # legal.advisory
    "recopilacion_hechos": "fecha cuando paso hechos partes",
    "revision_documental": "contrato escritura acta notificacion documento",
    "analisis_normativo": "ley articulo codigo norma criterio",
    "evaluacion_riesgo": "riesgo probabilidad exito contingencia",
    "estimacion_honorarios": "honorarios costo cobro alcance",
    # medical.consultation
    "interrogatorio_sintomas": "desde cuando dolor intensidad fiebre empezo",
    "revision_antecedentes": "alergias medicamentos antecedentes embarazo enfermedades",
    "clasificacion_triaje": "urgencia inmediata pronta programada",
    "diagnostico_diferencial": "causa probable posible descartar",
    "solicitud_estudios": "estudios laboratorio analisis radiografia",
    "indicaciones_alarma": "alarma urgencias acuda signos",
    "escalacion_urgencias": "urgencias inmediato presencial acuda",
}
